import { describe, expect, it } from "vitest";
import { fieldText, foldersFromParam, recordFromParam } from "./format";

const field = (type: string, value: string | number | boolean | null) => ({ name: "f", label: "F", type, value });

describe("fieldText", () => {
  it("says yes or no for booleans and a dash for nothing", () => {
    expect(fieldText(field("boolean", true))).toBe("Yes");
    expect(fieldText(field("boolean", false))).toBe("No");
    expect(fieldText(field("char", null))).toBe("—");
    expect(fieldText(field("char", ""))).toBe("—");
  });
  it("keeps text as given (React escapes it) and formats dates in the locale", () => {
    expect(fieldText(field("char", "<b>Azure</b>"))).toBe("<b>Azure</b>");
    expect(fieldText(field("date", "2024-07-26"))).toBe(new Date(2024, 6, 26).toLocaleDateString());
    expect(fieldText(field("datetime", "2024-07-26T18:00:23"))).toBe(new Date("2024-07-26T18:00:23").toLocaleString());
    expect(fieldText(field("date", "not a date"))).toBe("not a date");
  });
});

describe("URL parameters", () => {
  it("reads the record a trail leads back to", () => {
    expect(recordFromParam("demo/res_partner/1")).toEqual({ source: "demo", model: "res_partner", id: "1" });
    expect(recordFromParam("demo/res_partner")).toBeNull();
    expect(recordFromParam(null)).toBeNull();
  });
  it("opens the file manager on a folder only for a positive id", () => {
    expect(foldersFromParam("42")).toEqual([42]);
    expect(foldersFromParam("x")).toEqual([]);
    expect(foldersFromParam(null)).toEqual([]);
    expect(foldersFromParam("-3")).toEqual([]);
  });
});
