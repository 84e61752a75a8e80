import { describe, expect, it } from "vitest";
import {
  ancestorsOf,
  highlightParts,
  indexOf,
  isInside,
  parentsOfSelected,
  restrictTo,
  searchLocally,
  visibleRows,
  withLevel,
  withLoadedLevels,
  emptyIndex,
  type TreeItem,
} from "./tree";

// Customers > Azure Interior > Projects > Software Design; Customers > Deco Addict; Vendors
const items: TreeItem[] = [
  { id: 1, name: "Customers", parent: null, hasChildren: true },
  { id: 2, name: "Azure Interior", parent: 1, hasChildren: true },
  { id: 3, name: "Projects", parent: 2, hasChildren: true },
  { id: 4, name: "Software Design", parent: 3, hasChildren: false },
  { id: 5, name: "Deco Addict", parent: 1, hasChildren: false },
  { id: 6, name: "Vendors", parent: null, hasChildren: false },
];
const names = (rows: { node: TreeItem }[]) => rows.map((row) => row.node.name);

describe("visible rows", () => {
  it("shows the top level when nothing is open", () => {
    expect(names(visibleRows(indexOf(items), new Set()))).toEqual(["Customers", "Vendors"]);
  });

  it("shows open branches depth first, with their depth", () => {
    const rows = visibleRows(indexOf(items), new Set([1, 2]));
    expect(names(rows)).toEqual(["Customers", "Azure Interior", "Projects", "Deco Addict", "Vendors"]);
    expect(rows.map((row) => row.depth)).toEqual([0, 1, 2, 1, 0]);
  });

  it("marks an open node whose level is not loaded yet as loading (lazy tree)", () => {
    const top = withLevel(emptyIndex(), null, items.filter((item) => item.parent === null));
    const rows = visibleRows(top, new Set([1]));
    expect(rows[0]).toMatchObject({ expanded: true, loading: true });
    const loaded = withLevel(top, 1, items.filter((item) => item.parent === 1));
    expect(names(visibleRows(loaded, new Set([1])))).toEqual(["Customers", "Azure Interior", "Deco Addict", "Vendors"]);
  });

  it("shows a node whose parent is unknown at the top (a user who cannot read the parents)", () => {
    const flat = indexOf([{ id: 4, name: "Software Design", parent: 3, hasChildren: false }]);
    expect(names(visibleRows(flat, new Set()))).toEqual(["Software Design"]);
  });
});

describe("marks", () => {
  const index = indexOf(items);

  it("marks every parent of a selected child, so the choice shows when closed", () => {
    expect(ancestorsOf(index, 4)).toEqual([3, 2, 1]);
    expect(parentsOfSelected(index, [4, 5])).toEqual(new Set([3, 2, 1]));
    expect(parentsOfSelected(index, [])).toEqual(new Set());
  });

  it("finds matches case-insensitively and opens their parents", () => {
    const marks = searchLocally(index, "DESIGN");
    expect(marks.matches).toEqual(new Set([4]));
    expect(marks.parents).toEqual(new Set([3, 2, 1]));
    expect(names(visibleRows(restrictTo(index, marks), marks.parents))).toEqual([
      "Customers",
      "Azure Interior",
      "Projects",
      "Software Design",
    ]);
  });

  it("finds nothing for blank text", () => {
    expect(searchLocally(index, "  ").matches.size).toBe(0);
  });

  it("splits a name around the match for highlighting", () => {
    expect(highlightParts("Software Design", "design")).toEqual(["Software ", "Design", ""]);
    expect(highlightParts("Vendors", "zzz")).toBeNull();
  });

  it("knows when a folder would be dropped inside itself", () => {
    expect(isInside(index, 4, 2)).toBe(true);
    expect(isInside(index, 2, 2)).toBe(true);
    expect(isInside(index, 6, 1)).toBe(false);
  });
});

describe("search results with lazily loaded levels", () => {
  it("shows the children loaded for a match, and theirs", () => {
    const found = indexOf([items[0]!, items[1]!]); // Customers > Azure Interior (a match)
    let loaded = withLevel(emptyIndex(), 2, [items[2]!]);
    loaded = withLevel(loaded, 3, [items[3]!]);
    const merged = withLoadedLevels(found, loaded);
    expect(names(visibleRows(merged, new Set([1, 2, 3])))).toEqual([
      "Customers",
      "Azure Interior",
      "Projects",
      "Software Design",
    ]);
    // levels the search already holds are kept as the search gave them
    expect(withLoadedLevels(found, withLevel(emptyIndex(), 1, [items[4]!])).children.get(1)).toEqual([2]);
  });
});
