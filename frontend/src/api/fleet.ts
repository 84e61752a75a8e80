/** The fleet API (docs/fleet.md#api): databases, their users, synchronisation, invitations. */

import { api } from "./client";

export type Hosting = "saas" | "paas" | "premise" | "other";
export type TaxReturnStatus = "late" | "to_do" | "to_submit" | "longterm" | "done";

export const HOSTINGS: { value: Hosting; label: string }[] = [
  { value: "saas", label: "Odoo Online" },
  { value: "paas", label: "Odoo.sh" },
  { value: "premise", label: "On Premise" },
  { value: "other", label: "Outside Odoo" },
];

export interface Kpi {
  name: string;
  type: "integer" | "return_status";
  value: number | string;
}

export interface FleetDatabase {
  id: number;
  name: string;
  responsible: number | null;
  responsible_name: string | null;
  tags: string[];
  hosting: Hosting | "";
  hosting_label: string;
  url: string;
  database_name: string;
  version: string;
  api_login: string;
  fetch_documents: boolean;
  fetch_draft_entries: boolean;
  fetch_tax_returns: boolean;
  kpis: Record<string, Kpi>;
  documents: number | null;
  draft_entries: number | null;
  tax_return_status: TaxReturnStatus | "";
  user_count: number;
  last_sync: string | null;
  sync_errors: number;
  last_error: string;
  sync_notes: string;
  /** Administrators only (null when it cannot be decrypted). */
  api_key?: string | null;
}

/** What PATCH /api/fleet/databases/{id}/ accepts (api_key: a new key; absent keeps it). */
export interface DatabaseInput {
  name?: string;
  responsible?: number | null;
  tags?: string[];
  hosting?: Hosting | "";
  url?: string;
  database_name?: string;
  api_login?: string;
  api_key?: string;
  fetch_documents?: boolean;
  fetch_draft_entries?: boolean;
  fetch_tax_returns?: boolean;
}

export interface DatabaseUser {
  id: number;
  login: string;
  name: string;
  latest_authentication: string | null;
  local_user: number | null;
  local_username: string | null;
}

export interface Person {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface SyncOutcome {
  database: number;
  name: string;
  ok: boolean;
  message: string;
}

export interface SyncRun {
  id: number;
  state: "pending" | "running" | "done" | "failed";
  scheduled: boolean;
  requested_by: number | null;
  total: number;
  done: number;
  failed: number;
  results: Record<string, { name: string; ok: boolean; message: string }>;
  error: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface UserResult {
  database_id: number;
  name: string;
  ok: boolean;
  message: string;
}

export interface DiscoveryResult {
  name: string;
  url: string;
  action: "created" | "updated" | "unchanged" | "left" | "failed";
  message: string;
  database_id: number | null;
}

export type Ordering =
  | "name"
  | "last_sync"
  | "sync_errors"
  | "documents"
  | "draft_entries"
  | "tax_return_status"
  | "version"
  | "hosting";

export interface DatabaseFilters {
  search: string;
  tag: string;
  hosting: Hosting | "";
  responsible: number | null;
  tax_return_status: TaxReturnStatus | "";
  errors: boolean;
  ordering: Ordering;
  descending: boolean;
}

export const NO_DATABASE_FILTERS: DatabaseFilters = {
  search: "",
  tag: "",
  hosting: "",
  responsible: null,
  tax_return_status: "",
  errors: false,
  ordering: "name",
  descending: false,
};

export function databaseQuery(filters: DatabaseFilters) {
  return {
    search: filters.search.trim(),
    tag: filters.tag,
    hosting: filters.hosting,
    responsible: filters.responsible,
    tax_return_status: filters.tax_return_status,
    errors: filters.errors ? 1 : undefined,
    ordering: (filters.descending ? "-" : "") + filters.ordering,
  };
}

export const databases = (filters: DatabaseFilters) =>
  api.get<FleetDatabase[]>("/api/fleet/databases/", databaseQuery(filters));
export const database = (id: number) => api.get<FleetDatabase>(`/api/fleet/databases/${id}/`);
export const changeDatabase = (id: number, changes: DatabaseInput) =>
  api.patch<FleetDatabase>(`/api/fleet/databases/${id}/`, changes);
export const deleteDatabase = (id: number) => api.delete<null>(`/api/fleet/databases/${id}/`);
export const databaseUsers = (id: number) => api.get<DatabaseUser[]>(`/api/fleet/databases/${id}/users/`);
export const syncDatabase = (id: number) => api.post<SyncOutcome>(`/api/fleet/databases/${id}/sync/`);
export const connectUrl = (id: number) => api.get<{ url: string }>(`/api/fleet/databases/${id}/connect/`);
export const tags = () => api.get<string[]>("/api/fleet/tags/");
export const people = (search: string) => api.get<Person[]>("/api/fleet/people/", { search });
export const peopleByIds = (ids: number[]) => api.get<Person[]>("/api/fleet/people/", { ids });
export const runs = () => api.get<SyncRun[]>("/api/fleet/runs/");
export const run = (id: number) => api.get<SyncRun>(`/api/fleet/runs/${id}/`);
export const discover = () => api.post<{ results: DiscoveryResult[] }>("/api/fleet/discover/");

/** Up to 20 databases answer with their results; more start a background run. */
export async function synchronize(
  which: { all: true } | { databases: number[] },
): Promise<{ results: SyncOutcome[] } | { run: SyncRun }> {
  const answer = await api.post<{ results: SyncOutcome[] } | SyncRun>("/api/fleet/sync/", which);
  return "results" in answer && Array.isArray(answer.results) ? { results: answer.results } : { run: answer as SyncRun };
}

export const invite = (databaseIds: number[], userIds: number[]) =>
  api.post<{ results: UserResult[] }>("/api/fleet/invite/", { databases: databaseIds, users: userIds });

export const removeUsers = (logins: string[], where: { databases: number[] } | { everywhere: true }) =>
  api.post<{ results: UserResult[] }>("/api/fleet/remove/", { logins, ...where });
