/**
 * The sync pages' pure logic: the log filters as an API query (level and connection toggles,
 * the period) and the connection form's values and field errors.
 */

import type { ConnectorOption, LogLevel, LogQuery } from "../../api/sync";

export const LEVELS: LogLevel[] = ["debug", "info", "warning", "error", "critical"];
export const DEFAULT_LEVELS: LogLevel[] = ["info", "warning", "error", "critical"];

export type Period = "all" | "today" | "7d" | "30d" | "custom";

export interface LogFilters {
  levels: LogLevel[];
  /** Connection ids switched off (all shown when empty). */
  hidden: number[];
  search: string;
  period: Period;
  /** Custom period, as `YYYY-MM-DD` local dates, both days included. */
  from: string;
  to: string;
}

export const NO_LOG_FILTERS: LogFilters = {
  levels: DEFAULT_LEVELS,
  hidden: [],
  search: "",
  period: "all",
  from: "",
  to: "",
};

function localMidnight(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** `since` and `until` (ISO, UTC) of a period, in the browser's time zone. */
export function periodBounds(filters: LogFilters, now: Date): { since?: string; until?: string } {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const daysBack = (days: number) => new Date(today.getFullYear(), today.getMonth(), today.getDate() - days);
  switch (filters.period) {
    case "today":
      return { since: today.toISOString() };
    case "7d":
      return { since: daysBack(6).toISOString() };
    case "30d":
      return { since: daysBack(29).toISOString() };
    case "custom": {
      const from = localMidnight(filters.from);
      const to = localMidnight(filters.to);
      const after = to ? new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1) : null;
      return { since: from?.toISOString(), until: after?.toISOString() };
    }
    default:
      return {};
  }
}

/** The API query: a parameter only where it narrows the list. */
export function logQuery(filters: LogFilters, connectionIds: number[], now: Date): LogQuery {
  const query: LogQuery = {};
  // (no level chosen: the page asks for one instead of querying)
  if (filters.levels.length < LEVELS.length) {
    query.levels = LEVELS.filter((level) => filters.levels.includes(level)).join(",");
  }
  const hidden = new Set(filters.hidden);
  if (connectionIds.some((id) => hidden.has(id))) {
    const shown = connectionIds.filter((id) => !hidden.has(id));
    query.connections = shown.length ? [...shown].sort((a, b) => a - b).join(",") : "0";
  }
  if (filters.search.trim()) query.search = filters.search.trim();
  const bounds = periodBounds(filters, now);
  if (bounds.since) query.since = bounds.since;
  if (bounds.until) query.until = bounds.until;
  return query;
}

export function toggled<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

/**
 * The options to send from the form: every non-secret option (empty clears it), secrets only
 * when typed (empty keeps the stored one), booleans and choices left on "default" omitted.
 */
export function optionValues(
  options: ConnectorOption[],
  form: FormData,
): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const option of options) {
    const raw = String(form.get(`option:${option.name}`) ?? "");
    if (option.kind === "boolean") {
      if (raw === "true" || raw === "false") values[option.name] = raw === "true";
    } else if (option.secret || option.kind === "choice") {
      if (raw !== "") values[option.name] = raw;
    } else {
      values[option.name] = raw.trim();
    }
  }
  return values;
}

/** Field errors of a 400 answer: `name`, `root_folder`, `type`, and `option:<name>`. */
export function fieldErrors(body: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!body || typeof body !== "object") return errors;
  const first = (value: unknown) => (Array.isArray(value) ? String(value[0]) : String(value));
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (field === "options" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [option, problem] of Object.entries(value as Record<string, unknown>)) {
        errors[`option:${option}`] = first(problem);
      }
    } else {
      errors[field] = first(value);
    }
  }
  return errors;
}
