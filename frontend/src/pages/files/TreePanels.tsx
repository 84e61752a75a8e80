/**
 * The left panel's three trees: folders (loaded lazily one level at a time, searched by the
 * API), tags and shares (loaded whole, searched here). Each has a search box that highlights
 * the matches and shows their parents, a Reset of its selection, and a "create" button.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import * as documents from "../../api/documents";
import type { FolderNode, ShareItem, Tag } from "../../api/types";
import { Dot, FOLDER_COLOURS, Icon } from "../../components/icons";
import { Tree } from "../../components/Tree";
import { COLOURS } from "./AttachmentGrid";
import {
  emptyIndex,
  expandedToShow,
  indexOf,
  parentsOfSelected,
  restrictTo,
  searchLocally,
  visibleRows,
  withLevel,
  withLoadedLevels,
  type TreeIndex,
  type TreeItem,
} from "../../lib/tree";

export const ATTACHMENTS_TYPE = "application/x-archivist-attachments";
export const FOLDER_TYPE = "application/x-archivist-folder";
export const TAG_TYPE = "application/x-archivist-tag";

export type FolderItem = TreeItem & { folder: FolderNode };
export type TagItem = TreeItem & { tag: Tag };
export type ShareTreeItem = TreeItem & { share: ShareItem };

const folderItem = (folder: FolderNode): FolderItem => ({
  id: folder.id,
  name: folder.name,
  parent: folder.parent,
  hasChildren: folder.has_children,
  folder,
});

function Section(props: {
  title: string;
  count: number;
  onReset: () => void;
  search: string;
  onSearch: (text: string) => void;
  createLabel?: string;
  onCreate?: () => void;
  rootDrop?: {
    accepts: (types: readonly string[]) => boolean;
    onDrop: (data: DataTransfer) => void;
  };
  children: ReactNode;
}) {
  const [over, setOver] = useState(false);
  return (
    <section className="tree-section" aria-label={props.title}>
      <div
        className={over ? "section-head drop-target" : "section-head"}
        onDragOver={(event) => {
          if (!props.rootDrop?.accepts(event.dataTransfer.types)) return;
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          if (!props.rootDrop?.accepts(event.dataTransfer.types)) return;
          event.preventDefault();
          setOver(false);
          props.rootDrop.onDrop(event.dataTransfer);
        }}
      >
        <h2>{props.title}</h2>
        {props.count > 0 && <span className="badge">{props.count}</span>}
        <button type="button" className="link" onClick={props.onReset} disabled={props.count === 0}>
          Reset
        </button>
      </div>
      <input
        type="search"
        className="tree-search"
        placeholder={`Search ${props.title.toLowerCase()}`}
        aria-label={`Search ${props.title.toLowerCase()}`}
        value={props.search}
        onChange={(event) => props.onSearch(event.target.value)}
      />
      {props.children}
      {props.onCreate && (
        <button type="button" className="link create" onClick={props.onCreate}>
          + {props.createLabel}
        </button>
      )}
    </section>
  );
}

function useDebounced(value: string, delay = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

export interface PanelProps<T extends TreeItem> {
  selected: readonly number[];
  onSelect: (node: T) => void;
  onReset: () => void;
  onMenu: (node: T, x: number, y: number) => void;
  onCreate: () => void;
  accepts: (types: readonly string[], node: T) => boolean;
  onDrop: (node: T, data: DataTransfer) => void;
}

export function FolderPanel(
  props: PanelProps<FolderItem> & {
    current: number | null;
    /** Changes when folders changed (created, renamed, moved, archived): loaded levels reload. */
    version: number;
    onRootDrop: (data: DataTransfer) => void;
    /** While searching: the first folder shown (spec: uploads go there), null otherwise. */
    onFirstVisible: (folder: FolderNode | null) => void;
    /** A folder to show (a `/files?folder=` link): `path` are its readable ancestors, top
     * first (`GET /api/folders/<id>/`); their levels load and open, and its row scrolls into
     * view. */
    reveal?: { id: number; path: readonly number[] } | null;
  },
) {
  const client = useQueryClient();
  const [index, setIndex] = useState<TreeIndex<FolderItem>>(emptyIndex);
  const indexRef = useRef(index);
  indexRef.current = index;
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [search, setSearch] = useState("");
  const settled = useDebounced(search).trim();

  const loadLevel = useCallback(
    async (parent: number | null) => {
      const level = await client.fetchQuery({
        queryKey: ["folders", "level", parent],
        queryFn: () => documents.folderLevel(parent),
        staleTime: 0,
      });
      setIndex((current) => withLevel(current, parent, level.results.map(folderItem)));
    },
    [client],
  );

  // The top level, and every loaded level again when folders changed.
  useEffect(() => {
    const parents = new Set<number | null>([null, ...indexRef.current.children.keys()]);
    for (const parent of parents) void loadLevel(parent);
  }, [props.version, loadLevel]);

  const { reveal } = props;
  useEffect(() => {
    if (!reveal) return;
    for (const parent of [null, ...reveal.path]) void loadLevel(parent);
    setExpanded((current) => new Set([...current, ...reveal.path]));
  }, [reveal, loadLevel]);

  const found = useQuery({
    queryKey: ["folders", "search", settled, props.version],
    queryFn: () => documents.searchFolders(settled),
    enabled: settled.length > 0,
  });

  const searching = settled.length > 0 && found.data !== undefined;
  const [searchIndex, searchExpanded, matches] = useMemo(() => {
    if (!found.data) return [emptyIndex<FolderItem>(), new Set<number>(), new Set<number>()];
    const whole = indexOf(found.data.results.map(folderItem));
    const hits = new Set(found.data.matches);
    return [whole, expandedToShow(whole, hits), hits];
  }, [found.data]);

  const shownIndex = useMemo(
    () => (searching ? withLoadedLevels(searchIndex, index) : index),
    [searching, searchIndex, index],
  );
  // A search opens the parents of its matches; the person may still close them.
  const [closed, setClosed] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => setClosed(new Set()), [settled]);
  const shownExpanded = useMemo(
    () =>
      searching
        ? new Set([...searchExpanded, ...expanded].filter((id) => !closed.has(id)))
        : expanded,
    [searching, searchExpanded, expanded, closed],
  );
  const rows = useMemo(() => visibleRows(shownIndex, shownExpanded), [shownIndex, shownExpanded]);
  const selected = useMemo(() => new Set(props.selected), [props.selected]);
  const firstVisible = searching ? (rows[0]?.node.folder ?? null) : null;
  const { onFirstVisible } = props;
  useEffect(() => onFirstVisible(firstVisible), [firstVisible, onFirstVisible]);
  const marked = useMemo(() => parentsOfSelected(shownIndex, props.selected), [shownIndex, props.selected]);

  const toggle = (id: number) => {
    const opening = !shownExpanded.has(id);
    const change = (current: ReadonlySet<number>, add: boolean) => {
      const next = new Set(current);
      if (add) next.add(id);
      else next.delete(id);
      return next;
    };
    setExpanded((current) => change(current, opening));
    setClosed((current) => change(current, !opening));
    if (opening && !shownIndex.children.has(id)) void loadLevel(id);
  };

  return (
    <Section
      title="Folders"
      count={props.selected.length}
      onReset={props.onReset}
      search={search}
      onSearch={setSearch}
      createLabel="Create folder"
      onCreate={props.onCreate}
      rootDrop={{ accepts: (types) => types.includes(FOLDER_TYPE), onDrop: props.onRootDrop }}
    >
      {settled && found.isFetching && <p className="tree-empty">Searching…</p>}
      <Tree
        label="Folders"
        rows={searching && !found.data?.results.length ? [] : rows}
        selected={selected}
        marked={marked}
        matches={searching ? matches : new Set()}
        searchText={settled}
        current={props.current}
        reveal={searching ? null : (reveal?.id ?? null)}
        maxHeight={420}
        onToggle={toggle}
        onSelect={props.onSelect}
        onMenu={props.onMenu}
        icon={(node) => <Icon name="folder" color={FOLDER_COLOURS[node.folder.kind]} />}
        draggable={(node) => node.folder.kind === "manual"}
        dragData={(node) => ({ [FOLDER_TYPE]: String(node.id) })}
        accepts={props.accepts}
        onDrop={props.onDrop}
      />
    </Section>
  );
}

function useWholeTree<T extends TreeItem>(items: readonly T[] | undefined, search: string) {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const whole = useMemo(() => indexOf(items ?? []), [items]);
  const marks = useMemo(() => searchLocally(whole, search), [whole, search]);
  const shown = search.trim() ? restrictTo(whole, marks) : whole;
  const open = search.trim() ? new Set([...marks.parents, ...expanded]) : expanded;
  const rows = visibleRows(shown, open);
  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (open.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return { whole, rows, marks, toggle };
}

export function TagPanel(props: PanelProps<TagItem> & { onRootDrop: (data: DataTransfer) => void }) {
  const [search, setSearch] = useState("");
  const list = useQuery({ queryKey: ["tags"], queryFn: () => documents.tags() });
  const items = useMemo(
    () =>
      list.data?.results.map((tag) => ({
        id: tag.id,
        name: tag.name,
        parent: tag.parent,
        hasChildren: tag.has_children,
        tag,
      })),
    [list.data],
  );
  const tree = useWholeTree<TagItem>(items, search);
  return (
    <Section
      title="Tags"
      count={props.selected.length}
      onReset={props.onReset}
      search={search}
      onSearch={setSearch}
      createLabel="Add tag"
      onCreate={props.onCreate}
      rootDrop={{ accepts: (types) => types.includes(TAG_TYPE), onDrop: props.onRootDrop }}
    >
      <Tree
        label="Tags"
        rows={tree.rows}
        selected={new Set(props.selected)}
        marked={parentsOfSelected(tree.whole, props.selected)}
        matches={tree.marks.matches}
        searchText={search}
        onToggle={tree.toggle}
        onSelect={props.onSelect}
        onMenu={props.onMenu}
        icon={(node) => <Dot color={COLOURS[node.tag.color] === "transparent" ? "#b8bfcc" : (COLOURS[node.tag.color] ?? "#b8bfcc")} />}
        draggable={() => true}
        dragData={(node) => ({ [TAG_TYPE]: String(node.id) })}
        accepts={props.accepts}
        onDrop={props.onDrop}
      />
    </Section>
  );
}

export function SharePanel(props: PanelProps<ShareTreeItem>) {
  const [search, setSearch] = useState("");
  const list = useQuery({ queryKey: ["shares"], queryFn: () => documents.shares() });
  const items = useMemo(() => {
    const rows = list.data ?? [];
    const parents = new Set(rows.map((share) => share.parent));
    return rows.map((share) => ({
      id: share.id,
      name: share.name,
      parent: share.parent,
      hasChildren: parents.has(share.id),
      share,
    }));
  }, [list.data]);
  const tree = useWholeTree<ShareTreeItem>(items, search);
  return (
    <Section
      title="Shares"
      count={props.selected.length}
      onReset={props.onReset}
      search={search}
      onSearch={setSearch}
      createLabel="Add share"
      onCreate={props.onCreate}
    >
      <Tree
        label="Shares"
        rows={tree.rows}
        selected={new Set(props.selected)}
        marked={parentsOfSelected(tree.whole, props.selected)}
        matches={tree.marks.matches}
        searchText={search}
        onToggle={tree.toggle}
        onSelect={props.onSelect}
        onMenu={props.onMenu}
        icon={() => <Icon name="share" color="#5d6678" />}
        accepts={props.accepts}
        onDrop={props.onDrop}
      />
    </Section>
  );
}
