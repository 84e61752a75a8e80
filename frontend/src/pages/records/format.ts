/** Pure helpers of the records pages: a field's value as text, and the record named in a URL. */

import type { RecordField } from "../../api/records";
import type { RecordRef } from "../../api/types";

/** A field's value as a person reads it: yes/no, dates in the browser's locale, "—" for none. */
export function fieldText(field: RecordField): string {
  const { value, type } = field;
  if (value === null || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (type === "date" && typeof value === "string") {
    const [year, month, day] = value.split("-").map(Number);
    if (year && month && day) return new Date(year, month - 1, day).toLocaleDateString();
  }
  if (type === "datetime" && typeof value === "string") {
    const moment = new Date(value);
    if (!Number.isNaN(moment.getTime())) return moment.toLocaleString();
  }
  if (typeof value === "number") return value.toLocaleString();
  return String(value);
}

/** The record of a `record=source/model/id` URL parameter (the file manager's trail back). */
export function recordFromParam(param: string | null): RecordRef | null {
  if (!param) return null;
  const parts = param.split("/");
  if (parts.length !== 3 || parts.some((part) => !part)) return null;
  const [source, model, id] = parts as [string, string, string];
  return { source, model, id };
}

/** The folders a `folder=<id>` URL parameter opens the file manager on (none when absent). */
export function foldersFromParam(param: string | null): number[] {
  const id = Number(param);
  return Number.isInteger(id) && id > 0 ? [id] : [];
}
