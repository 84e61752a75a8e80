/** The shapes the REST API returns (see /api/schema/ and docs/api.md). */

export interface CurrentUser {
  id: number;
  username: string;
  name: string;
  portal: boolean;
  file_manager: boolean;
  administrator: boolean;
  back_office: boolean;
  fleet_user: boolean;
  fleet_administrator: boolean;
  /** Tags are turned on in Settings (off: no tag tree, no tag filters). */
  tags_enabled: boolean;
  /** Sharing is turned on in Settings (off: no share tree, no Share action). */
  sharing_enabled: boolean;
}

export type FolderKind = "rule" | "record" | "manual" | "default";

export interface RecordRef {
  source: string;
  model: string;
  id: string | number;
}

export interface FolderNode {
  id: number;
  name: string;
  kind: FolderKind;
  parent: number | null;
  sequence: number;
  record: RecordRef | null;
  active: boolean;
  has_children: boolean;
  notes: string | null;
  /** Manual folders' extra security (null for automatic folders). */
  security?: FolderSecurity | null;
}

/** Only these users and groups (among the parent's readers) may read; none: all of them. */
export interface FolderSecurity {
  restricted: boolean;
  users: { id: number; username: string }[];
  groups: { id: number; name: string }[];
}

/** The cloud a synced folder is kept in. */
export interface FolderCloud {
  /** The connection's name. */
  connection: string;
  /** Its connector type: s3, webdav, sftp, local… */
  kind: string;
  /** `/api/folders/<id>/open-in-cloud/` (redirects to the folder in its cloud), or null when
   * the connection has no web address for it (a local folder). */
  open: string | null;
}

export interface FolderDetail extends FolderNode {
  path: number[];
  can_manage: boolean;
  can_write: boolean;
  /** Null when the folder is not synced. */
  cloud: FolderCloud | null;
}

export interface FolderList {
  results: FolderNode[];
  matches: number[];
  parents: number[];
}

export interface LinkedRecord extends RecordRef {
  display_name: string;
  fields: Record<string, unknown>;
}

export interface TagRef {
  id: number;
  name: string;
  color: number;
}

export interface Tag {
  id: number;
  name: string;
  parent: number | null;
  color: number;
  notes: string;
  sequence: number;
  active: boolean;
  has_children: boolean;
}

export interface TagList {
  results: Tag[];
  matches: number[];
  parents: number[];
}

export interface ShareItem {
  id: number;
  name: string;
  parent: number | null;
  sequence: number;
  active: boolean;
  access_by_token: boolean;
  expires_on: string | null;
  matches_search: boolean;
}

export interface ShareDetail {
  id: number;
  name: string;
  parent: number | null;
  access_url: string | null;
  partners: number[];
}

export interface Attachment {
  id: number;
  name: string;
  kind: "file" | "url";
  folder: number;
  folder_name: string;
  size: number;
  mimetype: string;
  checksum: string;
  url: string;
  tags: TagRef[];
  color: number;
  author: { id: number; username: string } | null;
  created_at: string;
  updated_at: string;
  previewable: boolean;
  download_url: string;
  /** `/api/attachments/<id>/open-in-cloud/` (redirects to the file in its cloud) for a synced
   * file, else null. */
  cloud_open: string | null;
}

export interface AttachmentPage {
  results: Attachment[];
  next_cursor: string | null;
}

export type MassActionKind =
  | "download"
  | "update_folder"
  | "update_tags"
  | "slideshow"
  | "share"
  | "delete"
  | "custom";

export interface MassAction {
  id: number;
  name: string;
  kind: MassActionKind;
  sequence: number;
}
