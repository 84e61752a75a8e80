/**
 * The visitor API of a share (docs/documents.md "Shares"): the same endpoints by token link
 * (`/api/visit/{token}/…`, no account) and for a signed-in portal user
 * (`/api/portal/shares/{id}/…`). A `ShareAccess` names one of the two; every function takes it.
 */

import { api, uploadFile, type UploadHandle } from "./client";

export type ShareAccess = { token: string } | { id: number };

export function shareBase(access: ShareAccess): string {
  return "token" in access
    ? `/api/visit/${encodeURIComponent(access.token)}/`
    : `/api/portal/shares/${access.id}/`;
}

export interface PortalShare {
  id: number;
  name: string;
  parent: number | null;
  expires_on: string | null;
}

export interface Ref {
  id: number;
  name: string;
}

export interface ShareSummary {
  id: number;
  name: string;
  expires_on: string | null;
  access: "token" | "portal" | "internal";
  permissions: {
    download: boolean;
    upload: boolean;
    upload_only: boolean;
    show_tags: boolean;
    allow_add_tags: boolean;
    allow_search_tags: boolean;
    show_folders: boolean;
    allow_add_folders: boolean;
    allow_search_folders: boolean;
    slideshow: boolean;
    show_chat: boolean;
  };
  upload_target: Ref | null;
  counts: { attachments: number; folders: number | null; tags: number | null; messages: number | null };
  downloads_left: number | null;
}

export interface SharedFile {
  id: number;
  name: string;
  mimetype: string;
  size: number;
  is_file: boolean;
  url: string;
  created_at: string;
  /** Null: the share does not show folders. */
  folder: Ref | null;
  /** Null: the share does not show tags. */
  tags: Ref[] | null;
}

export interface FilePage {
  count: number;
  items: SharedFile[];
}

export type SearchIn = "name" | "tag" | "folder";
export type ShareOrder = "name" | "-name" | "folder" | "-folder";

export interface FileQuery {
  search: string;
  search_in: SearchIn;
  folder: number | null;
  tag: number | null;
  order: ShareOrder;
}

export interface ShareNode {
  id: number;
  name: string;
  parent: number | null;
  matches_search: boolean;
  can_add_children: boolean;
  upload_target: boolean;
  /** Folders only: visitors may upload here. */
  can_upload?: boolean;
}

export interface ShareMessage {
  id: number;
  author_name: string;
  body: string;
  created_at: string;
}

export interface Uploaded {
  id: number;
  name: string;
  size: number;
  mimetype: string;
  folder: number;
}

export const portalShares = () => api.get<PortalShare[]>("/api/portal/shares/");

export const summary = (access: ShareAccess) => api.get<ShareSummary>(shareBase(access));

export const files = (access: ShareAccess, query: FileQuery, offset: number, limit: number) =>
  api.get<FilePage>(`${shareBase(access)}attachments/`, {
    search: query.search,
    search_in: query.search_in,
    folder: query.folder,
    tag: query.tag,
    order: query.order,
    offset,
    limit,
  });

export const folders = (access: ShareAccess, search = "") =>
  api.get<ShareNode[]>(`${shareBase(access)}folders/`, { search });

export const tags = (access: ShareAccess, search = "") =>
  api.get<ShareNode[]>(`${shareBase(access)}tags/`, { search });

export const addFolder = (access: ShareAccess, parent: number, name: string) =>
  api.post<ShareNode>(`${shareBase(access)}folders/`, { parent, name });

export const addTag = (access: ShareAccess, parent: number, name: string) =>
  api.post<ShareNode>(`${shareBase(access)}tags/`, { parent, name });

export const messages = (access: ShareAccess) => api.get<ShareMessage[]>(`${shareBase(access)}messages/`);

export const postMessage = (access: ShareAccess, body: string, authorName: string) =>
  api.post<ShareMessage>(`${shareBase(access)}messages/`, { body, author_name: authorName });

export const unlock = (access: ShareAccess, password: string) =>
  api.post<{ unlocked: boolean }>(`${shareBase(access)}unlock/`, { password });

export const fileUrl = (access: ShareAccess, id: number) => `${shareBase(access)}attachments/${id}/download/`;

/** An image of the share inline (the slideshow): logged as a view, not counted as a download. */
export const previewUrl = (access: ShareAccess, id: number) => `${shareBase(access)}attachments/${id}/preview/`;

/** The ZIP of the whole share, or of one of its folders or tags (with what is below). */
export function archiveUrl(access: ShareAccess, of?: { folder: number } | { tag: number }): string {
  const base = shareBase(access);
  if (!of) return `${base}archive.zip`;
  return "folder" in of ? `${base}folders/${of.folder}/archive.zip` : `${base}tags/${of.tag}/archive.zip`;
}

export function upload(
  access: ShareAccess,
  file: File,
  folder: number | null,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const fields: Record<string, string> = folder === null ? {} : { folder: String(folder) };
  return uploadFile(`${shareBase(access)}upload/`, file, fields, onProgress);
}

/** The API's error code (`share_closed`, `password_required`, …) of a failed request, if any. */
export function errorCode(body: unknown): string | null {
  const code = (body as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}
