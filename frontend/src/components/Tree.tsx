/**
 * A tree in the left panel (folders, tags, shares), rendered through a virtualised list: only
 * the rows in view are in the page, whatever the size of the tree. Keyboard: ↑/↓ move, →/←
 * open and close, Enter or Space select, the menu key or Shift+F10 open the right-click menu.
 */

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from "react";
import { highlightParts, type TreeItem, type VisibleRow } from "../lib/tree";

const ROW_HEIGHT = 28;

export interface TreeProps<T extends TreeItem> {
  label: string;
  rows: readonly VisibleRow<T>[];
  selected: ReadonlySet<number>;
  /** Parents of selected nodes (dotted border). */
  marked: ReadonlySet<number>;
  /** Search matches (highlighted). */
  matches: ReadonlySet<number>;
  searchText: string;
  /** The folder uploads go to (coloured). */
  current?: number | null;
  /** Scroll this node's row into view once it is among the rows (a folder opened by link). */
  reveal?: number | null;
  maxHeight?: number;
  onToggle: (id: number) => void;
  onSelect: (node: T) => void;
  onMenu: (node: T, x: number, y: number) => void;
  icon?: (node: T) => ReactNode;
  /** A drag of this node may start (with `dragData`). */
  draggable?: (node: T) => boolean;
  dragData?: (node: T) => Record<string, string>;
  /** Whether a drag carrying these types may be dropped on `node`. */
  accepts?: (types: readonly string[], node: T) => boolean;
  onDrop?: (node: T, data: DataTransfer) => void;
}

export function Tree<T extends TreeItem>(props: TreeProps<T>) {
  const { rows } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [focusAt, setFocusAt] = useState(0);
  const [dropTarget, setDropTarget] = useState<number | null>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    // Rows render on the first paint, before the scroll element is measured.
    initialRect: { width: 280, height: props.maxHeight ?? 360 },
  });
  const focused = Math.min(focusAt, Math.max(rows.length - 1, 0));

  const revealed = useRef<number | null>(null);
  const revealAt = useMemo(
    () => (props.reveal == null ? -1 : rows.findIndex((row) => row.node.id === props.reveal)),
    [rows, props.reveal],
  );
  useEffect(() => {
    if (revealAt < 0 || revealed.current === props.reveal) return;
    revealed.current = props.reveal ?? null;
    setFocusAt(revealAt);
    virtual.scrollToIndex(revealAt, { align: "center" });
  }, [revealAt, props.reveal, virtual]);

  const focusRow = (index: number) => {
    const bounded = Math.max(0, Math.min(rows.length - 1, index));
    setFocusAt(bounded);
    virtual.scrollToIndex(bounded);
    requestAnimationFrame(() =>
      scroller.current?.querySelector<HTMLElement>(`[data-index="${bounded}"]`)?.focus(),
    );
  };

  const onKey = (event: KeyboardEvent, row: VisibleRow<T>, index: number) => {
    const node = row.node;
    if (event.key === "ArrowDown") focusRow(index + 1);
    else if (event.key === "ArrowUp") focusRow(index - 1);
    else if (event.key === "ArrowRight" && node.hasChildren && !row.expanded) props.onToggle(node.id);
    else if (event.key === "ArrowLeft" && row.expanded) props.onToggle(node.id);
    else if (event.key === "Enter" || event.key === " ") props.onSelect(node);
    else if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
      const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
      props.onMenu(node, box.left + 24, box.bottom);
    } else return;
    event.preventDefault();
  };

  const dropHandlers = (node: T) => ({
    onDragOver: (event: DragEvent) => {
      if (!props.accepts?.(event.dataTransfer.types, node)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      setDropTarget(node.id);
    },
    onDragLeave: () => setDropTarget((current) => (current === node.id ? null : current)),
    onDrop: (event: DragEvent) => {
      if (!props.accepts?.(event.dataTransfer.types, node)) return;
      event.preventDefault();
      event.stopPropagation();
      setDropTarget(null);
      props.onDrop?.(node, event.dataTransfer);
    },
  });

  if (!rows.length) return <p className="tree-empty">Nothing here</p>;
  return (
    <div
      ref={scroller}
      className="tree"
      role="tree"
      aria-label={props.label}
      aria-multiselectable="true"
      style={{ maxHeight: props.maxHeight ?? 360 }}
    >
      <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
        {virtual.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const node = row.node;
          const parts = props.matches.has(node.id) ? highlightParts(node.name, props.searchText) : null;
          const classes = ["tree-row"];
          if (props.selected.has(node.id)) classes.push("selected");
          if (props.marked.has(node.id)) classes.push("marked");
          if (props.matches.has(node.id)) classes.push("match");
          if (props.current === node.id) classes.push("current");
          if (dropTarget === node.id) classes.push("drop-target");
          const canDrag = props.draggable?.(node) ?? false;
          return (
            <div
              key={node.id}
              data-index={item.index}
              data-id={node.id}
              className={classes.join(" ")}
              role="treeitem"
              aria-label={node.name}
              aria-level={row.depth + 1}
              aria-selected={props.selected.has(node.id)}
              aria-expanded={node.hasChildren ? row.expanded : undefined}
              tabIndex={item.index === focused ? 0 : -1}
              style={{
                position: "absolute",
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
                paddingLeft: 4 + row.depth * 16,
              }}
              draggable={canDrag}
              onDragStart={(event) => {
                if (!canDrag) return;
                for (const [type, value] of Object.entries(props.dragData?.(node) ?? {})) {
                  event.dataTransfer.setData(type, value);
                }
                event.dataTransfer.effectAllowed = "move";
              }}
              {...dropHandlers(node)}
              onClick={() => {
                setFocusAt(item.index);
                props.onSelect(node);
              }}
              onContextMenu={(event) => {
                event.preventDefault();
                setFocusAt(item.index);
                props.onMenu(node, event.clientX, event.clientY);
              }}
              onKeyDown={(event) => onKey(event, row, item.index)}
            >
              <button
                type="button"
                className="twisty"
                tabIndex={-1}
                aria-label={row.expanded ? `Close ${node.name}` : `Open ${node.name}`}
                style={{ visibility: node.hasChildren ? "visible" : "hidden" }}
                onClick={(event) => {
                  event.stopPropagation();
                  props.onToggle(node.id);
                }}
              >
                {row.loading ? "…" : row.expanded ? "▾" : "▸"}
              </button>
              {props.icon && (
                <span className="node-icon" aria-hidden="true">
                  {props.icon(node)}
                </span>
              )}
              <span className="node-name">
                {parts ? (
                  <>
                    {parts[0]}
                    <mark>{parts[1]}</mark>
                    {parts[2]}
                  </>
                ) : (
                  node.name
                )}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
