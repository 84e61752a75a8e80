/**
 * Trees shown in the left panel (folders, tags, shares) as plain data: an index of the nodes
 * known so far (loaded lazily, one level at a time, or all at once), the rows visible for a set
 * of expanded nodes, and the marks the spec asks for — the search's matches highlighted, and the
 * parents of a selected child marked even when the branch is closed.
 *
 * Everything here is pure (no React): the Tree component renders `visibleRows` through a
 * virtualised list, so a tree of 100,000 nodes costs only its visible rows.
 */

export type NodeId = number;

export interface TreeItem {
  id: NodeId;
  name: string;
  /** The parent shown in the tree (null: at the top). */
  parent: NodeId | null;
  /** Whether expanding may show children (they may not be loaded yet). */
  hasChildren: boolean;
}

export interface TreeIndex<T extends TreeItem = TreeItem> {
  nodes: ReadonlyMap<NodeId, T>;
  /** Children in display order; `null` holds the top level. A key is present once loaded. */
  children: ReadonlyMap<NodeId | null, readonly NodeId[]>;
}

export function emptyIndex<T extends TreeItem>(): TreeIndex<T> {
  return { nodes: new Map(), children: new Map() };
}

/** An index of a whole list given in tree order (every level counts as loaded). */
export function indexOf<T extends TreeItem>(items: readonly T[]): TreeIndex<T> {
  const nodes = new Map<NodeId, T>();
  const children = new Map<NodeId | null, NodeId[]>([[null, []]]);
  for (const item of items) nodes.set(item.id, item);
  for (const item of items) {
    const parent = item.parent !== null && nodes.has(item.parent) ? item.parent : null;
    const level = children.get(parent) ?? [];
    level.push(item.id);
    children.set(parent, level);
  }
  return { nodes, children };
}

/** The index with one more loaded level: `items` are the children of `parent`, in order. */
export function withLevel<T extends TreeItem>(
  index: TreeIndex<T>,
  parent: NodeId | null,
  items: readonly T[],
): TreeIndex<T> {
  const nodes = new Map(index.nodes);
  for (const item of items) nodes.set(item.id, item);
  const children = new Map(index.children);
  children.set(
    parent,
    items.map((item) => item.id),
  );
  return { nodes, children };
}

export interface VisibleRow<T extends TreeItem = TreeItem> {
  node: T;
  depth: number;
  expanded: boolean;
  /** Expanded but its children are not loaded yet. */
  loading: boolean;
}

/** The rows a person sees, depth first, for the expanded nodes. */
export function visibleRows<T extends TreeItem>(
  index: TreeIndex<T>,
  expanded: ReadonlySet<NodeId>,
): VisibleRow<T>[] {
  const rows: VisibleRow<T>[] = [];
  const stack: { id: NodeId; depth: number }[] = [];
  const top = index.children.get(null) ?? [];
  for (let i = top.length - 1; i >= 0; i--) stack.push({ id: top[i]!, depth: 0 });
  while (stack.length) {
    const { id, depth } = stack.pop()!;
    const node = index.nodes.get(id);
    if (!node) continue;
    const open = node.hasChildren && expanded.has(id);
    const kids = index.children.get(id);
    rows.push({ node, depth, expanded: open, loading: open && kids === undefined });
    if (open && kids) {
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ id: kids[i]!, depth: depth + 1 });
    }
  }
  return rows;
}

/** The ancestors of a node known to the index, nearest first. Stops on a cycle. */
export function ancestorsOf(index: TreeIndex, id: NodeId): NodeId[] {
  const found: NodeId[] = [];
  const seen = new Set<NodeId>([id]);
  let parent = index.nodes.get(id)?.parent ?? null;
  while (parent !== null && !seen.has(parent)) {
    found.push(parent);
    seen.add(parent);
    parent = index.nodes.get(parent)?.parent ?? null;
  }
  return found;
}

/** The parents of the selected nodes (the spec's dotted border): every ancestor of a selected
 * node, so a chosen child stays visible when its branch is closed. */
export function parentsOfSelected(index: TreeIndex, selected: Iterable<NodeId>): Set<NodeId> {
  const marked = new Set<NodeId>();
  for (const id of selected) for (const parent of ancestorsOf(index, id)) marked.add(parent);
  return marked;
}

/** The nodes to expand so every given node is visible. */
export function expandedToShow(index: TreeIndex, ids: Iterable<NodeId>): Set<NodeId> {
  const expanded = new Set<NodeId>();
  for (const id of ids) for (const parent of ancestorsOf(index, id)) expanded.add(parent);
  return expanded;
}

export interface SearchMarks {
  /** Nodes whose name matches: highlighted. */
  matches: ReadonlySet<NodeId>;
  /** Their ancestors: shown (expanded) so the matches are in view, marked as parents. */
  parents: ReadonlySet<NodeId>;
}

/** Marks for a search done on the client (tags, shares: small trees fully loaded). */
export function searchLocally(index: TreeIndex, text: string): SearchMarks {
  const needle = text.trim().toLocaleLowerCase();
  const matches = new Set<NodeId>();
  if (!needle) return { matches, parents: new Set() };
  for (const node of index.nodes.values()) {
    if (node.name.toLocaleLowerCase().includes(needle)) matches.add(node.id);
  }
  return { matches, parents: expandedToShow(index, matches) };
}

/** The index restricted to the matches and their ancestors (what a search shows). */
export function restrictTo<T extends TreeItem>(index: TreeIndex<T>, marks: SearchMarks): TreeIndex<T> {
  const keep = new Set([...marks.matches, ...marks.parents]);
  const items: T[] = [];
  const walk = (parent: NodeId | null) => {
    for (const id of index.children.get(parent) ?? []) {
      if (!keep.has(id)) continue;
      items.push(index.nodes.get(id)!);
      walk(id);
    }
  };
  walk(null);
  return indexOf(items);
}

/** Splits a name around the first occurrence of the search text, for a <mark>. */
export function highlightParts(name: string, text: string): [string, string, string] | null {
  const needle = text.trim().toLocaleLowerCase();
  if (!needle) return null;
  const at = name.toLocaleLowerCase().indexOf(needle);
  if (at < 0) return null;
  return [name.slice(0, at), name.slice(at, at + needle.length), name.slice(at + needle.length)];
}

/** Whether `id` is `ancestor` or inside it (a folder may not be dropped into itself). */
export function isInside(index: TreeIndex, id: NodeId, ancestor: NodeId): boolean {
  return id === ancestor || ancestorsOf(index, id).includes(ancestor);
}

/** `base` with the levels loaded in `extra` under nodes of `base` whose own level `base` lacks
 * (a search's results, where opening a match loads its children lazily). */
export function withLoadedLevels<T extends TreeItem>(base: TreeIndex<T>, extra: TreeIndex<T>): TreeIndex<T> {
  let merged = base;
  const pending = [...base.nodes.keys()];
  while (pending.length) {
    const id = pending.pop()!;
    if (merged.children.has(id)) continue;
    const level = extra.children.get(id);
    if (!level) continue;
    const items = level.map((child) => extra.nodes.get(child)).filter((item): item is T => item !== undefined);
    merged = withLevel(merged, id, items);
    pending.push(...items.map((item) => item.id));
  }
  return merged;
}
