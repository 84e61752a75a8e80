/**
 * The file manager's filters (spec "Files Manager Interface"): selected folders (any of),
 * selected tags (any of), selected shares (any of) — the three AND-ed by the API — plus the
 * search bar's criteria. `attachmentQuery` turns them into the API's query parameters.
 */

export type SearchField = "name" | "folder_name" | "tag" | "author" | "mimetype";

export const SEARCH_FIELDS: readonly { field: SearchField; label: string }[] = [
  { field: "name", label: "Name" },
  { field: "folder_name", label: "Folder" },
  { field: "tag", label: "Tag" },
  { field: "author", label: "Author" },
  { field: "mimetype", label: "Mimetype" },
];

export interface SearchCriterion {
  field: SearchField;
  text: string;
}

export interface Filters {
  folders: readonly number[];
  tags: readonly number[];
  shares: readonly number[];
  /** Show the attachments of the selected folders' subfolders too. */
  subfolders: boolean;
  search: readonly SearchCriterion[];
  order: "name" | "-name" | "created" | "-created" | "size" | "-size";
}

export const NO_FILTERS: Filters = {
  folders: [],
  tags: [],
  shares: [],
  subfolders: false,
  search: [],
  order: "name",
};

export type AttachmentQuery = Partial<Record<SearchField, string>> & {
  folders?: readonly number[];
  tags?: readonly number[];
  shares?: readonly number[];
  subfolders?: 1;
  order: Filters["order"];
};

/** The API query for the filters. Empty selections are left out (no restriction); two search
 * criteria on the same field keep the last one (the API takes one value per field). */
export function attachmentQuery(filters: Filters): AttachmentQuery {
  const query: AttachmentQuery = { order: filters.order };
  if (filters.folders.length) {
    query.folders = [...filters.folders].sort((a, b) => a - b);
    if (filters.subfolders) query.subfolders = 1;
  }
  if (filters.tags.length) query.tags = [...filters.tags].sort((a, b) => a - b);
  if (filters.shares.length) query.shares = [...filters.shares].sort((a, b) => a - b);
  for (const { field, text } of filters.search) {
    const trimmed = text.trim();
    if (trimmed) query[field] = trimmed;
  }
  return query;
}

/** Adds or removes an id from one of the three selections (a click on a tree node). */
export function toggleIn(ids: readonly number[], id: number): number[] {
  return ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id];
}

/** Adds a search criterion, replacing an earlier one on the same field. */
export function withCriterion(search: readonly SearchCriterion[], added: SearchCriterion): SearchCriterion[] {
  if (!added.text.trim()) return [...search];
  return [...search.filter((c) => c.field !== added.field), { field: added.field, text: added.text.trim() }];
}

/** Whether an attachment with these folder, tags and shares would be listed (the same rule as
 * the API, used to explain and to test the combination). */
export function matches(
  filters: Pick<Filters, "folders" | "tags" | "shares">,
  item: { folder: number; tags: readonly number[]; shares: readonly number[] },
): boolean {
  const anyOf = (chosen: readonly number[], held: readonly number[]) =>
    chosen.length === 0 || held.some((id) => chosen.includes(id));
  return anyOf(filters.folders, [item.folder]) && anyOf(filters.tags, item.tags) && anyOf(filters.shares, item.shares);
}
