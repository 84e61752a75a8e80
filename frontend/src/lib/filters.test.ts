import { describe, expect, it } from "vitest";
import { NO_FILTERS, attachmentQuery, matches, toggleIn, withCriterion } from "./filters";

describe("filter combination (spec: any of within a kind, AND across kinds)", () => {
  const item = { folder: 1, tags: [10, 11], shares: [] as number[] };

  it("lists everything when nothing is chosen", () => {
    expect(matches({ folders: [], tags: [], shares: [] }, item)).toBe(true);
  });

  it("takes any of the chosen folders, and any of the chosen tags", () => {
    expect(matches({ folders: [2, 1], tags: [], shares: [] }, item)).toBe(true);
    expect(matches({ folders: [2], tags: [], shares: [] }, item)).toBe(false);
    expect(matches({ folders: [], tags: [11, 12], shares: [] }, item)).toBe(true);
  });

  it("ANDs folders, tags and shares", () => {
    expect(matches({ folders: [1], tags: [10], shares: [] }, item)).toBe(true);
    expect(matches({ folders: [1], tags: [12], shares: [] }, item)).toBe(false);
    expect(matches({ folders: [1], tags: [10], shares: [5] }, item)).toBe(false);
  });
});

describe("the API query", () => {
  it("leaves out empty choices and sorts ids", () => {
    expect(attachmentQuery(NO_FILTERS)).toEqual({ order: "name" });
    expect(attachmentQuery({ ...NO_FILTERS, folders: [3, 1], tags: [9], shares: [4], subfolders: true })).toEqual({
      order: "name",
      folders: [1, 3],
      subfolders: 1,
      tags: [9],
      shares: [4],
    });
  });

  it("asks for subfolders only with folders chosen", () => {
    expect(attachmentQuery({ ...NO_FILTERS, subfolders: true })).toEqual({ order: "name" });
  });

  it("adds search criteria, one per field, trimmed", () => {
    let search = withCriterion([], { field: "name", text: " report " });
    search = withCriterion(search, { field: "tag", text: "legal" });
    search = withCriterion(search, { field: "name", text: "invoice" });
    search = withCriterion(search, { field: "author", text: "   " });
    expect(attachmentQuery({ ...NO_FILTERS, search })).toEqual({ order: "name", tag: "legal", name: "invoice" });
  });

  it("toggles an id in a selection", () => {
    expect(toggleIn([1, 2], 3)).toEqual([1, 2, 3]);
    expect(toggleIn([1, 2, 3], 2)).toEqual([1, 3]);
  });
});
