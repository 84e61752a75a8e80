import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { indexOf, visibleRows, type TreeItem } from "../lib/tree";
import { Tree } from "./Tree";

// The virtualiser measures its scroll element; jsdom lays nothing out, so give it a size.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 400 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 300 });

const items: TreeItem[] = [
  { id: 1, name: "Customers", parent: null, hasChildren: true },
  { id: 2, name: "Azure <Interior>", parent: 1, hasChildren: false },
  { id: 3, name: "Vendors", parent: null, hasChildren: false },
];

function renderTree(overrides: Partial<Parameters<typeof Tree>[0]> = {}) {
  const props = {
    label: "Folders",
    rows: visibleRows(indexOf(items), new Set([1])),
    selected: new Set<number>([2]),
    marked: new Set<number>([1]),
    matches: new Set<number>([2]),
    searchText: "azure",
    onToggle: vi.fn(),
    onSelect: vi.fn(),
    onMenu: vi.fn(),
    ...overrides,
  };
  render(<Tree {...props} />);
  return props;
}

afterEach(cleanup);

describe("Tree", () => {
  it("renders rows as tree items with selection, parent marks and the match highlighted", () => {
    renderTree();
    const azure = screen.getByRole("treeitem", { name: "Azure <Interior>" });
    expect(azure.getAttribute("aria-selected")).toBe("true");
    expect(azure.getAttribute("aria-level")).toBe("2");
    expect(azure.querySelector("mark")?.textContent).toBe("Azure");
    expect(azure.textContent).toContain("<Interior>"); // text, never markup
    const customers = screen.getByRole("treeitem", { name: "Customers" });
    expect(customers.className).toContain("marked");
    expect(customers.getAttribute("aria-expanded")).toBe("true");
  });

  it("selects with a click or Enter, opens the menu with Shift+F10 or a right click", () => {
    const props = renderTree();
    const vendors = screen.getByRole("treeitem", { name: "Vendors" });
    fireEvent.click(vendors);
    expect(props.onSelect).toHaveBeenCalledWith(items[2]);
    fireEvent.keyDown(vendors, { key: "Enter" });
    expect(props.onSelect).toHaveBeenCalledTimes(2);
    fireEvent.keyDown(vendors, { key: "F10", shiftKey: true });
    fireEvent.contextMenu(vendors, { clientX: 5, clientY: 6 });
    expect(props.onMenu).toHaveBeenCalledTimes(2);
    expect(props.onMenu).toHaveBeenLastCalledWith(items[2], 5, 6);
  });

  it("closes an open node with ArrowLeft and opens a closed one with ArrowRight", () => {
    const props = renderTree();
    fireEvent.keyDown(screen.getByRole("treeitem", { name: "Customers" }), { key: "ArrowLeft" });
    expect(props.onToggle).toHaveBeenCalledWith(1);
    cleanup();
    const closed = renderTree({ rows: visibleRows(indexOf(items), new Set()) });
    fireEvent.keyDown(screen.getByRole("treeitem", { name: "Customers" }), { key: "ArrowRight" });
    expect(closed.onToggle).toHaveBeenCalledWith(1);
  });

  it("lets only draggable rows start a drag", () => {
    renderTree({ draggable: (node) => node.id === 3 });
    expect(screen.getByRole("treeitem", { name: "Vendors" }).getAttribute("draggable")).toBe("true");
    expect(screen.getByRole("treeitem", { name: "Customers" }).getAttribute("draggable")).toBe("false");
  });
});
