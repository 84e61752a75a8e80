import { describe, expect, it } from "vitest";
import type { ConnectorOption } from "../../api/sync";
import { NO_LOG_FILTERS, fieldErrors, logQuery, optionValues, periodBounds, toggled } from "./filters";

const NOW = new Date(2024, 4, 15, 14, 30); // 15 May 2024, 14:30 local

describe("the log query", () => {
  it("narrows only what is switched off", () => {
    expect(logQuery({ ...NO_LOG_FILTERS, levels: ["debug", "info", "warning", "error", "critical"] }, [1, 2], NOW)).toEqual({});
    expect(logQuery(NO_LOG_FILTERS, [1, 2], NOW)).toEqual({ levels: "info,warning,error,critical" });
  });

  it("lists the connections still shown, in order", () => {
    const query = logQuery({ ...NO_LOG_FILTERS, levels: ["error", "warning"], hidden: [2] }, [3, 2, 1], NOW);
    expect(query).toEqual({ levels: "warning,error", connections: "1,3" });
    expect(logQuery({ ...NO_LOG_FILTERS, hidden: [1] }, [1], NOW).connections).toBe("0");
    expect(logQuery({ ...NO_LOG_FILTERS, hidden: [9] }, [1], NOW).connections).toBeUndefined();
  });

  it("trims the search", () => {
    expect(logQuery({ ...NO_LOG_FILTERS, search: "  invoice " }, [], NOW).search).toBe("invoice");
    expect(logQuery({ ...NO_LOG_FILTERS, search: "   " }, [], NOW).search).toBeUndefined();
  });
});

describe("periods (local days)", () => {
  const at = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();

  it("starts today, 7 days or 30 days ago at local midnight", () => {
    expect(periodBounds({ ...NO_LOG_FILTERS, period: "today" }, NOW)).toEqual({ since: at(2024, 5, 15) });
    expect(periodBounds({ ...NO_LOG_FILTERS, period: "7d" }, NOW)).toEqual({ since: at(2024, 5, 9) });
    expect(periodBounds({ ...NO_LOG_FILTERS, period: "30d" }, NOW)).toEqual({ since: at(2024, 4, 16) });
    expect(periodBounds(NO_LOG_FILTERS, NOW)).toEqual({});
  });

  it("includes both days of a custom period", () => {
    const custom = { ...NO_LOG_FILTERS, period: "custom" as const, from: "2024-02-28", to: "2024-02-29" };
    expect(periodBounds(custom, NOW)).toEqual({ since: at(2024, 2, 28), until: at(2024, 3, 1) });
    expect(periodBounds({ ...custom, from: "" }, NOW)).toEqual({ since: undefined, until: at(2024, 3, 1) });
  });
});

describe("the connection form", () => {
  const option = (name: string, kind: ConnectorOption["kind"]): ConnectorOption => ({
    name, label: name, help: "", kind, required: false, default: null, secret: kind === "secret", choices: [],
  }); // prettier-ignore

  it("sends cleared options, typed secrets only, and chosen booleans", () => {
    const form = new FormData();
    form.set("option:bucket", " docs ");
    form.set("option:prefix", "");
    form.set("option:secret_key", "");
    form.set("option:password", "pw");
    form.set("option:path_style", "");
    form.set("option:verify_tls", "false");
    const options = [
      option("bucket", "text"), option("prefix", "path"), option("secret_key", "secret"),
      option("password", "secret"), option("path_style", "boolean"), option("verify_tls", "boolean"),
    ]; // prettier-ignore
    expect(optionValues(options, form)).toEqual({ bucket: "docs", prefix: "", password: "pw", verify_tls: false });
  });

  it("reads field errors, options by name", () => {
    expect(fieldErrors({ name: ["taken"], options: { path: ["is required"] } })).toEqual({
      name: "taken",
      "option:path": "is required",
    });
    expect(fieldErrors("oops")).toEqual({});
  });

  it("toggles a value in a list", () => {
    expect(toggled([1, 2], 2)).toEqual([1]);
    expect(toggled([1], 2)).toEqual([1, 2]);
  });
});
