import { describe, expect, it } from "vitest";
import { EMPTY, addAll, dragged, load, save, toggle, without } from "./selection";

describe("selection", () => {
  it("toggles attachments and keeps their names", () => {
    let selection = toggle(EMPTY, { id: 1, name: "a.pdf" });
    selection = toggle(selection, { id: 2, name: "b.png" });
    expect([...selection.values()]).toEqual([
      { id: 1, name: "a.pdf" },
      { id: 2, name: "b.png" },
    ]);
    expect([...toggle(selection, { id: 1, name: "a.pdf" }).keys()]).toEqual([2]);
  });

  it("adds all found without duplicates, and removes some", () => {
    const selection = addAll(toggle(EMPTY, { id: 1, name: "a" }), [
      { id: 1, name: "a" },
      { id: 3, name: "c" },
    ]);
    expect([...selection.keys()]).toEqual([1, 3]);
    expect([...without(selection, [1]).keys()]).toEqual([3]);
  });

  it("drags the whole selection from a selected card, else only that card", () => {
    const selection = addAll(EMPTY, [
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    expect(dragged(selection, 2)).toEqual([1, 2]);
    expect(dragged(selection, 7)).toEqual([7]);
  });

  it("survives a reload through storage, and ignores a damaged entry", () => {
    const storage = new Map<string, string>();
    const fake = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    } as Storage;
    save(addAll(EMPTY, [{ id: 5, name: "<b>x</b>" }]), fake);
    expect([...load(fake).values()]).toEqual([{ id: 5, name: "<b>x</b>" }]);
    storage.set("archivist.selection", "{not json");
    expect(load(fake).size).toBe(0);
    storage.set("archivist.selection", JSON.stringify([{ id: "1", name: 2 }]));
    expect(load(fake).size).toBe(0);
  });
});
