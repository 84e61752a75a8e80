/**
 * The selected attachments. The selection survives navigation (changing folders, filters or the
 * search), as the spec asks, so it keeps each attachment's name: the right panel lists
 * selected attachments that the centre may no longer show. Kept in sessionStorage so a reload
 * of the page does not lose it either.
 */

export interface Selected {
  id: number;
  name: string;
}

export type Selection = ReadonlyMap<number, Selected>;

export const EMPTY: Selection = new Map();

export function toggle(selection: Selection, item: Selected): Selection {
  const next = new Map(selection);
  if (next.has(item.id)) next.delete(item.id);
  else next.set(item.id, { id: item.id, name: item.name });
  return next;
}

export function addAll(selection: Selection, items: Iterable<Selected>): Selection {
  const next = new Map(selection);
  for (const item of items) next.set(item.id, { id: item.id, name: item.name });
  return next;
}

export function without(selection: Selection, ids: Iterable<number>): Selection {
  const next = new Map(selection);
  for (const id of ids) next.delete(id);
  return next;
}

/** The ids a drag carries: the whole selection when the dragged card is in it, else that card. */
export function dragged(selection: Selection, card: number): number[] {
  return selection.has(card) ? [...selection.keys()] : [card];
}

const KEY = "archivist.selection";

export function save(selection: Selection, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify([...selection.values()]));
}

export function load(storage: Storage = sessionStorage): Selection {
  try {
    const items = JSON.parse(storage.getItem(KEY) ?? "[]") as unknown;
    if (!Array.isArray(items)) return EMPTY;
    const valid = items.filter(
      (item): item is Selected =>
        typeof item === "object" && item !== null && typeof item.id === "number" && typeof item.name === "string",
    );
    return addAll(EMPTY, valid);
  } catch {
    return EMPTY; // a damaged entry: start with nothing selected
  }
}
