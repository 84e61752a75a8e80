/**
 * The spec's "Tax Return Status Indicators": late is red, to do (deadline within 3 months)
 * yellow, to submit green/white, long term (more than 3 months away) white, done green. The
 * badge always carries the word too, so the colour is never the only sign.
 */

import type { TaxReturnStatus } from "../../api/fleet";

export const TAX_RETURN_STATUSES: { value: TaxReturnStatus; label: string; meaning: string }[] = [
  { value: "late", label: "Late", meaning: "a return is past its deadline" },
  { value: "to_do", label: "To do", meaning: "a deadline is within 3 months" },
  { value: "to_submit", label: "To submit", meaning: "ready, needs submission" },
  { value: "longterm", label: "Long term", meaning: "deadlines are more than 3 months away" },
  { value: "done", label: "Done", meaning: "all returns completed" },
];

/** The indicator colour of a status: the CSS class `tax-<colour>`. */
export function taxColour(status: string): "red" | "yellow" | "green-white" | "white" | "green" | "none" {
  switch (status) {
    case "late":
      return "red";
    case "to_do":
      return "yellow";
    case "to_submit":
      return "green-white";
    case "longterm":
      return "white";
    case "done":
      return "green";
    default:
      return "none";
  }
}

export function taxLabel(status: string): string {
  return TAX_RETURN_STATUSES.find((entry) => entry.value === status)?.label ?? status;
}

/** The KPIs of a database in the order a reader expects: integers first, then tax returns. */
export function sortedKpis<T extends { name: string; type: string }>(kpis: Record<string, T>): [string, T][] {
  return Object.entries(kpis).sort(
    ([, a], [, b]) => Number(a.type !== "integer") - Number(b.type !== "integer") || a.name.localeCompare(b.name),
  );
}

/** A locale-formatted date and time ("short": for the list's columns); "never" for null. */
export function when(value: string | null, style: "short" | "medium" = "medium"): string {
  if (!value) return "never";
  return new Date(value).toLocaleString(undefined, { dateStyle: style, timeStyle: "short" });
}
