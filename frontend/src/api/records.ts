/** A record's page and its attachment box (docs/api.md, "Records"). */

import { api } from "./client";
import type { Attachment, FolderNode, RecordRef } from "./types";

export interface RecordField {
  name: string;
  label: string;
  /** char, text, integer, float, boolean, date, datetime or many2one (value: the display name). */
  type: string;
  value: string | number | boolean | null;
}

export interface RecordPage extends RecordRef {
  display_name: string;
  /** The record's folder: the top of its attachment box. */
  folder: number;
  fields: RecordField[];
}

export interface RecordBox {
  folder: FolderNode;
  folders: FolderNode[];
  attachments: Attachment[];
  next_cursor: string | null;
}

export interface BoxQuery {
  /** Only this folder's own attachments; none: every attachment of the box. */
  folder?: number | null;
  cursor?: string | null;
  limit?: number;
}

const base = (ref: RecordRef) =>
  `/api/records/${encodeURIComponent(ref.source)}/${encodeURIComponent(ref.model)}/${encodeURIComponent(String(ref.id))}/`;

export const recordPage = (ref: RecordRef) => api.get<RecordPage>(base(ref));

/** The box: its readable folders, and one page of attachments. */
export const recordBox = (ref: RecordRef, query: BoxQuery = {}) =>
  api.get<RecordBox>(`${base(ref)}box/`, { folder: query.folder, cursor: query.cursor, limit: query.limit });

/** The app's page of a record (its attachment box under its fields). */
export const recordPath = (ref: RecordRef) =>
  `/records/${encodeURIComponent(ref.source)}/${encodeURIComponent(ref.model)}/${encodeURIComponent(String(ref.id))}`;

/** The file manager opened on a folder, with a trail back to the record it was opened from. */
export const fileManagerPath = (folder: number, from?: RecordRef) =>
  `/files?folder=${folder}${from ? `&record=${encodeURIComponent(`${from.source}/${from.model}/${String(from.id)}`)}` : ""}`;

export const deleteAttachment = (id: number) => api.delete<null>(`/api/attachments/${id}/`);
