import { describe, expect, it } from "vitest";
import type { FolderList, FolderNode } from "../../api/types";
import { folderOptions, ruleOption } from "./assignments";

const node = (id: number, name: string, parent: number | null): FolderNode => ({
  id,
  name,
  kind: "manual",
  parent,
  sequence: 0,
  record: null,
  active: true,
  has_children: false,
  notes: null,
});

describe("folderOptions", () => {
  it("offers the matches only, each named with the path of its parents", () => {
    const list: FolderList = {
      results: [
        node(1, "Customers", null),
        node(2, "Azure Interior", 1),
        node(3, "Orders", 2),
        node(4, "Deco Addict", 1),
        node(5, "Orders", 4),
        node(6, "Orders archive", null),
      ],
      matches: [3, 5, 6],
      parents: [1, 2, 4],
    };
    expect(folderOptions(list)).toEqual([
      { id: 3, label: "Orders", detail: "in Customers / Azure Interior" },
      { id: 5, label: "Orders", detail: "in Customers / Deco Addict" },
      { id: 6, label: "Orders archive", detail: "at the top" },
    ]);
    expect(folderOptions(list, 1).map((option) => option.id)).toEqual([3]);
  });
});

describe("ruleOption", () => {
  it("shows the rule's model and source under its name", () => {
    expect(ruleOption({ id: 7, name: "Sale orders", model: "sale_order", source: "demo" })).toEqual({
      id: 7,
      label: "Sale orders",
      detail: "sale_order · demo",
    });
  });
});
