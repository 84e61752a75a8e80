/** The sync endpoints (docs/api.md, "Sync"): connector types, connections, queue and log. */

import { api, withQuery } from "./client";

export type OptionKind = "text" | "secret" | "integer" | "boolean" | "choice" | "url" | "path";

export interface ConnectorOption {
  name: string;
  label: string;
  help: string;
  kind: OptionKind;
  required: boolean;
  default: string | number | boolean | null;
  secret: boolean;
  choices: string[];
}

export interface ConnectorType {
  name: string;
  label: string;
  help: string;
  options: ConnectorOption[];
}

export type ConnectionState = "active" | "paused" | "reset";

export interface Connection {
  id: number;
  name: string;
  type: string;
  type_label: string;
  root_folder: string;
  state: ConnectionState;
  options: Record<string, string | number | boolean | null>;
  last_run_at: string | null;
  last_error: string;
  queue: { pending: number; running: number; failed: number };
}

export interface Named {
  id: number;
  name: string;
}

export interface ConnectionDetail extends Connection {
  secrets: Record<string, { set: boolean }>;
  subscribers: Named[];
  folders: Named[];
  rules: Named[];
}

export interface ConnectionChanges {
  name?: string;
  type?: string;
  root_folder?: string;
  options?: Record<string, string | number | boolean>;
  subscribers?: number[];
  folders?: number[];
  rules?: number[];
}

/** A folder rule the connection form can assign (`GET /api/sync/rules/`). */
export interface RuleChoice {
  id: number;
  name: string;
  model: string;
  source: string;
}

export interface ResetImpact {
  folders: number;
  files: number;
  files_to_download: number;
  bytes_to_download: number;
}

export interface ConnectionTest {
  ok: boolean;
  error: string;
  entries: string[];
}

export type OperationState = "pending" | "running" | "done" | "failed";

export interface Operation {
  id: number;
  connection: number;
  connection_name: string;
  kind: string;
  item: string;
  path: string;
  target: string | null;
  reverse: boolean;
  state: OperationState;
  reason: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string;
  updated_at: string;
}

export type LogLevel = "debug" | "info" | "warning" | "error" | "critical";

export interface LogLine {
  id: number;
  at: string;
  level: LogLevel;
  connection: number | null;
  connection_name: string;
  operation: string;
  item: string;
  message: string;
}

/** The log filters as the API takes them (`levels` and `connections` comma-separated). */
export interface LogQuery {
  levels?: string;
  connections?: string;
  search?: string;
  since?: string;
  until?: string;
}

export const PAGE = 200;

export const connectorTypes = () => api.get<ConnectorType[]>("/api/sync/connector-types/");
export const connections = () => api.get<Connection[]>("/api/sync/connections/");
export const connection = (id: number) => api.get<ConnectionDetail>(`/api/sync/connections/${id}/`);
export const createConnection = (changes: ConnectionChanges) =>
  api.post<ConnectionDetail>("/api/sync/connections/", changes);
export const updateConnection = (id: number, changes: ConnectionChanges) =>
  api.patch<ConnectionDetail>(`/api/sync/connections/${id}/`, changes);
export const testConnection = (id: number) =>
  api.post<ConnectionTest>(`/api/sync/connections/${id}/test/`);
export const pause = (id: number) => api.post<Connection>(`/api/sync/connections/${id}/pause/`);
export const reconnect = (id: number) =>
  api.post<Connection>(`/api/sync/connections/${id}/reconnect/`);
export const resetImpact = (id: number) =>
  api.get<ResetImpact>(`/api/sync/connections/${id}/reset/`);
export const reset = (id: number) =>
  api.post<ResetImpact>(`/api/sync/connections/${id}/reset/`, { confirm: true });

/** Active folder rules whose name or model contains `search` (50 at most, by name). */
export const rules = (search: string) => api.get<RuleChoice[]>("/api/sync/rules/", { search });

export const operations = (query: { state?: string; connection?: string; offset: number }) =>
  api.get<Operation[]>("/api/sync/operations/", query);

export const logs = (query: LogQuery, before: number | null) =>
  api.get<LogLine[]>("/api/sync/logs/", { ...query, before });
export const logsCsvUrl = (query: LogQuery) => withQuery("/api/sync/logs.csv", { ...query });
