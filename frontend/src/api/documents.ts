/** The documents endpoints the file manager uses (docs/api.md), one function each. */

import type { AttachmentQuery } from "../lib/filters";
import { api, postForFile, uploadRaw, type UploadHandle } from "./client";
import type {
  Attachment,
  AttachmentPage,
  CurrentUser,
  FolderDetail,
  FolderList,
  LinkedRecord,
  MassAction,
  ShareDetail,
  ShareItem,
  Tag,
  TagList,
} from "./types";

export const me = () => api.get<CurrentUser>("/api/me/");

// folders
export const folderLevel = (parent: number | null) =>
  api.get<FolderList>("/api/folders/", { parent: parent ?? "root" });
export const searchFolders = (search: string) => api.get<FolderList>("/api/folders/", { search });
export const folder = (id: number) => api.get<FolderDetail>(`/api/folders/${id}/`);
export const defaultFolder = () => api.get<FolderDetail>("/api/folders/default/");
export const rememberFolder = (id: number) => api.post<FolderDetail>(`/api/folders/${id}/select/`);
export const createFolder = (name: string, parent: number | null) =>
  api.post<FolderDetail>("/api/folders/", { name, parent });
export const updateFolder = (
  id: number,
  changes: { name?: string; notes?: string; users?: number[]; groups?: number[] },
) =>
  api.patch<FolderDetail>(`/api/folders/${id}/`, changes);
export const moveFolder = (id: number, parent: number | null) =>
  api.post<FolderDetail>(`/api/folders/${id}/move/`, { parent });
export const archiveFolder = (id: number) => api.post<FolderDetail>(`/api/folders/${id}/archive/`);
export const linkedRecord = (id: number) => api.get<LinkedRecord>(`/api/folders/${id}/record/`);
export const folderZipUrl = (id: number, subfolders: boolean) =>
  `/api/folders/${id}/archive.zip?subfolders=${subfolders ? 1 : 0}`;

// tags
export const tags = (search = "") => api.get<TagList>("/api/tags/", { search });
export const createTag = (name: string, parent: number | null) =>
  api.post<Tag>("/api/tags/", { name, parent });
export const updateTag = (
  id: number,
  changes: { name?: string; color?: number; notes?: string; parent?: number | null },
) =>
  api.patch<Tag>(`/api/tags/${id}/`, changes);
export const archiveTag = (id: number) => api.post<Tag>(`/api/tags/${id}/archive/`);
export const tagZipUrl = (id: number) => `/api/tags/${id}/archive.zip`;

// shares
export const shares = (search = "") => api.get<ShareItem[]>("/api/shares/", { search });
export const share = (id: number) => api.get<ShareDetail>(`/api/shares/${id}/`);
export const createShare = (name: string, parent: number | null) =>
  api.post<ShareDetail>("/api/shares/", { name, parent });
export const renameShare = (id: number, name: string) =>
  api.patch<ShareDetail>(`/api/shares/${id}/`, { name });
export const archiveShare = (id: number) => api.post<unknown>(`/api/shares/${id}/archive/`);
export const inviteToShare = (id: number) => api.post<unknown>(`/api/shares/${id}/invite/`);
export const shareZipUrl = (id: number) => `/api/shares/${id}/archive.zip`;
export const addToShare = (attachments: number[], target: { share: number } | { name: string }) =>
  api.post<unknown>("/api/shares/add/", { attachments, ...target });

// attachments
export const attachments = (query: AttachmentQuery, cursor?: string | null, limit = 120) =>
  api.get<AttachmentPage>("/api/attachments/", { ...query, cursor, limit });
export const attachment = (id: number) => api.get<Attachment>(`/api/attachments/${id}/`);
export const updateAttachment = (
  id: number,
  changes: { name?: string; folder?: number; color?: number; add_tags?: number[]; remove_tags?: number[] },
) => api.patch<Attachment>(`/api/attachments/${id}/`, changes);
export const addUrl = (name: string, url: string, folderId: number) =>
  api.post<Attachment>("/api/attachments/url/", { name, url, folder: folderId });
export const upload = (
  file: File,
  folderId: number,
  onProgress: (sent: number, total: number) => void,
): UploadHandle =>
  uploadRaw(`/api/folders/${folderId}/files/?name=${encodeURIComponent(file.name)}`, file, onProgress);
export const previewUrl = (id: number) => `/api/attachments/${id}/preview/`;

// selections and mass actions
export const bulk = (
  ids: number[],
  change: { move?: number; add_tags?: number[]; remove_tags?: number[]; color?: number; delete?: true },
) => api.post<{ updated?: number; deleted?: number }>("/api/attachments/bulk/", { ids, ...change });
export const downloadSelection = (ids: number[]) =>
  postForFile("/api/attachments/archive.zip", { ids }, "attachments.zip");
export const slideshow = (ids: number[]) =>
  api.get<{ results: number[] }>("/api/attachments/slideshow/", { ids });
export const massActions = () => api.get<MassAction[]>("/api/mass-actions/");
export const runMassAction = (id: number, ids: number[], params: Record<string, unknown> = {}) =>
  api.post<Record<string, number>>(`/api/mass-actions/${id}/run/`, { ids, params });
