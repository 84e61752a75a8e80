/** What a card shows of an attachment: its colour, type label, size, and whether it is synced. */

import type { Attachment } from "../api/types";

export const COLOURS = [
  "transparent", "#e55353", "#f39c3d", "#f2cc3c", "#5fb760", "#3bb7a8",
  "#3d8fd9", "#5b5fd6", "#a25bd6", "#d65ba8", "#8a8a8a", "#3c3c3c",
] as const; // prettier-ignore

/** The label of a card without an image: the file's extension, or LINK. */
export function typeLabel(attachment: Attachment): string {
  if (attachment.kind === "url" && !isSynced(attachment)) return "LINK";
  const dot = attachment.name.lastIndexOf(".");
  const extension = dot > 0 ? attachment.name.slice(dot + 1) : "";
  if (extension && extension.length <= 5) return extension.toUpperCase();
  return attachment.mimetype.split("/")[1]?.slice(0, 5).toUpperCase() ?? "FILE";
}

/** The bytes are kept in the cloud only (the sync offloaded them): they download through
 * `/api/cloud/…`. */
export function isSynced(attachment: Attachment): boolean {
  return attachment.kind === "url" && attachment.url.startsWith("/api/cloud/");
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
