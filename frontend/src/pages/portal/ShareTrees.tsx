/**
 * A share's folder tree or tag tree (when the share shows them), loaded whole from the visitor
 * API. Searching (when the share allows it) asks the API and shows the matches highlighted with
 * their parents opened; Reset clears it. A click picks the node as the list's filter (again:
 * drops it); the right-click menu (or the menu key) downloads it as a ZIP and, when allowed,
 * creates a child in it.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { downloadUrl } from "../../api/client";
import * as portal from "../../api/portal";
import { ContextMenu, type MenuItem, type MenuState } from "../../components/ContextMenu";
import { PromptDialog } from "../../components/Dialog";
import { Dot, FOLDER_COLOURS, Icon } from "../../components/icons";
import { Tree } from "../../components/Tree";
import { expandedToShow, indexOf, parentsOfSelected, visibleRows, type TreeItem } from "../../lib/tree";

export type ShareTreeItem = TreeItem & { node: portal.ShareNode };

type Kind = "folders" | "tags";

const WORDS = {
  folders: { title: "Folders", one: "folder", create: "Create subfolder" },
  tags: { title: "Tags", one: "tag", create: "Create subtag" },
} as const;

export function ShareTree(props: {
  kind: Kind;
  access: portal.ShareAccess;
  canSearch: boolean;
  canDownload: boolean;
  selected: number | null;
  /** The folder uploads go to (highlighted). */
  current?: number | null;
  onSelect: (node: portal.ShareNode | null) => void;
}) {
  const { kind, access } = props;
  const words = WORDS[kind];
  const client = useQueryClient();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [closed, setClosed] = useState<ReadonlySet<number>>(new Set());
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [creatingIn, setCreatingIn] = useState<portal.ShareNode | null>(null);
  const key = ["share", portal.shareBase(access), kind];
  const list = useQuery({
    queryKey: [...key, search],
    queryFn: () => (kind === "folders" ? portal.folders(access, search) : portal.tags(access, search)),
  });

  const [index, matches] = useMemo(() => {
    const nodes = list.data ?? [];
    const parents = new Set(nodes.map((node) => node.parent));
    const items: ShareTreeItem[] = nodes.map((node) => ({
      id: node.id,
      name: node.name,
      parent: node.parent,
      hasChildren: parents.has(node.id),
      node,
    }));
    return [indexOf(items), new Set(nodes.filter((node) => node.matches_search).map((node) => node.id))];
  }, [list.data]);
  const open = useMemo(() => {
    const shown = new Set([...expanded, ...(search ? expandedToShow(index, matches) : [])]);
    for (const id of closed) shown.delete(id);
    return shown;
  }, [expanded, closed, search, index, matches]);
  const rows = useMemo(() => visibleRows(index, open), [index, open]);
  const selected = useMemo(() => new Set(props.selected === null ? [] : [props.selected]), [props.selected]);
  const marked = useMemo(() => parentsOfSelected(index, selected), [index, selected]);

  const toggle = (id: number) => {
    const opening = !open.has(id);
    const change = (current: ReadonlySet<number>, add: boolean) => {
      const next = new Set(current);
      if (add) next.add(id);
      else next.delete(id);
      return next;
    };
    setExpanded((current) => change(current, opening));
    setClosed((current) => change(current, !opening));
  };

  const menuItems = (node: portal.ShareNode): MenuItem[] => {
    const items: MenuItem[] = [];
    if (props.canDownload) {
      const of = kind === "folders" ? { folder: node.id } : { tag: node.id };
      items.push({ label: "Download as archive", run: () => downloadUrl(portal.archiveUrl(access, of)) });
    }
    if (node.can_add_children) items.push({ label: words.create, run: () => setCreatingIn(node) });
    return items;
  };

  return (
    <section className="tree-section" aria-label={words.title}>
      <div className="section-head">
        <h2>{words.title}</h2>
        <button type="button" className="link" onClick={() => props.onSelect(null)} disabled={props.selected === null}>
          Reset
        </button>
      </div>
      {props.canSearch && (
        <form
          className="share-tree-search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setClosed(new Set());
            setSearch(typed.trim());
          }}
        >
          <input
            type="search"
            aria-label={`Search ${words.title.toLowerCase()}`}
            placeholder={`Search ${words.title.toLowerCase()}`}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
          <button type="submit">Search</button>
          <button
            type="button"
            disabled={!search && !typed}
            onClick={() => {
              setTyped("");
              setSearch("");
            }}
          >
            Reset
          </button>
        </form>
      )}
      {list.isPending && <p className="tree-empty">Loading…</p>}
      {list.isError && (
        <p className="error" role="alert">
          {list.error.message}
        </p>
      )}
      {list.isSuccess && (
        <Tree<ShareTreeItem>
          label={words.title}
          rows={rows}
          selected={selected}
          marked={marked}
          matches={search ? matches : new Set()}
          searchText={search}
          current={props.current ?? null}
          maxHeight={320}
          onToggle={toggle}
          onSelect={(item) => props.onSelect(props.selected === item.id ? null : item.node)}
          onMenu={(item, x, y) => setMenu({ x, y, title: item.name, items: menuItems(item.node) })}
          icon={() => (kind === "folders" ? <Icon name="folder" color={FOLDER_COLOURS.manual} /> : <Dot color="#8a93a6" />)}
        />
      )}
      {menu && <ContextMenu menu={menu} onClose={() => setMenu(null)} />}
      {creatingIn && (
        <PromptDialog
          title={`${words.create} in ${creatingIn.name}`}
          label="Name"
          submitLabel="Create"
          onSubmit={async (name) => {
            const create = kind === "folders" ? portal.addFolder : portal.addTag;
            await create(access, creatingIn.id, name);
            setExpanded((current) => new Set([...current, creatingIn.id]));
            await client.invalidateQueries({ queryKey: ["share", portal.shareBase(access)] });
          }}
          onClose={() => setCreatingIn(null)}
        />
      )}
    </section>
  );
}
