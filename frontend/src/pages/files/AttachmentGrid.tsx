/**
 * The centre of the file manager: the attachments matching the filters as cards, fetched page
 * by page (the API's keyset cursor) and rendered through a virtualised grid, so a list of a
 * million attachments costs the cards in view. Files dropped here are uploaded.
 */

import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type DragEvent } from "react";
import * as documents from "../../api/documents";
import type { Attachment } from "../../api/types";
import type { AttachmentQuery } from "../../lib/filters";
import type { Selection } from "../../lib/selection";
import { Icon } from "../../components/icons";

const CARD_WIDTH = 188;
const CARD_HEIGHT = 236;
const PAGE = 120;

export const COLOURS = [
  "transparent", "#e55353", "#f39c3d", "#f2cc3c", "#5fb760", "#3bb7a8",
  "#3d8fd9", "#5b5fd6", "#a25bd6", "#d65ba8", "#8a8a8a", "#3c3c3c",
] as const; // prettier-ignore

export function useAttachmentPages(query: AttachmentQuery) {
  return useInfiniteQuery({
    queryKey: ["attachments", query],
    queryFn: ({ pageParam }) => documents.attachments(query, pageParam, PAGE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** The label of a card without an image: the file's extension, or LINK. */
export function typeLabel(attachment: Attachment): string {
  if (attachment.kind === "url") return "LINK";
  const dot = attachment.name.lastIndexOf(".");
  const extension = dot > 0 ? attachment.name.slice(dot + 1) : "";
  if (extension && extension.length <= 5) return extension.toUpperCase();
  return attachment.mimetype.split("/")[1]?.slice(0, 5).toUpperCase() ?? "FILE";
}

export function isSynced(attachment: Attachment): boolean {
  return attachment.kind === "url" && attachment.url.startsWith("/api/cloud/");
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function Card(props: {
  attachment: Attachment;
  selected: boolean;
  onToggle: () => void;
  onPreview: () => void;
  onDetails: () => void;
  onDragStart: (event: DragEvent) => void;
}) {
  const { attachment } = props;
  const image = attachment.previewable && attachment.mimetype.startsWith("image/");
  return (
    <article
      className={props.selected ? "card selected" : "card"}
      data-attachment={attachment.id}
      draggable
      onDragStart={props.onDragStart}
      style={{ borderTopColor: COLOURS[attachment.color] ?? "transparent" }}
      aria-label={attachment.name}
    >
      <input
        type="checkbox"
        className="card-check"
        checked={props.selected}
        onChange={props.onToggle}
        aria-label={`Select ${attachment.name}`}
      />
      <button
        type="button"
        className="thumb"
        onClick={attachment.previewable ? props.onPreview : props.onDetails}
        aria-label={attachment.previewable ? `Preview ${attachment.name}` : `Details of ${attachment.name}`}
      >
        {image ? (
          <img src={documents.previewUrl(attachment.id)} alt="" loading="lazy" draggable={false} />
        ) : (
          <span className={`thumb-type type-${typeLabel(attachment).toLowerCase()}`} aria-hidden="true">
            {typeLabel(attachment)}
          </span>
        )}
      </button>
      <div className="card-name" title={attachment.name}>
        {attachment.name}
      </div>
      <div className="card-meta">
        <span title={attachment.folder_name}>{attachment.folder_name}</span>
        {attachment.kind === "file" && <span>{formatSize(attachment.size)}</span>}
      </div>
      <div className="card-tags">
        {isSynced(attachment) && (
          <span className="sync-badge" title="Synced: the file is kept in the cloud">
            <Icon name="cloud" /> synced
          </span>
        )}
        {attachment.tags.map((tag) => (
          <span key={tag.id} className="tag-chip" style={{ borderColor: COLOURS[tag.color] ?? "#ccc" }}>
            {tag.name}
          </span>
        ))}
      </div>
      <div className="card-actions">
        <button type="button" className="link" onClick={props.onDetails}>
          Details
        </button>
        <a href={attachment.download_url} download={attachment.kind === "file" ? attachment.name : undefined}>
          {attachment.kind === "url" && !isSynced(attachment) ? "Open link" : "Download"}
        </a>
      </div>
    </article>
  );
}

export function AttachmentGrid(props: {
  query: AttachmentQuery;
  selection: Selection;
  onToggle: (attachment: Attachment) => void;
  onPreview: (attachment: Attachment) => void;
  onDetails: (attachment: Attachment) => void;
  onDragStart: (attachment: Attachment, event: DragEvent) => void;
  onFilesDropped: (files: File[]) => void;
  uploadTarget: string | null;
}) {
  const pages = useAttachmentPages(props.query);
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(4);
  const [dropping, setDropping] = useState(false);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setColumns(Math.max(1, Math.floor((element.clientWidth - 8) / CARD_WIDTH)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const items = pages.data?.pages.flatMap((page) => page.results) ?? [];
  const rowCount = Math.ceil(items.length / columns);
  const virtual = useVirtualizer({
    count: rowCount + (pages.hasNextPage ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 3,
  });
  const virtualRows = virtual.getVirtualItems();
  const lastShown = virtualRows[virtualRows.length - 1]?.index ?? 0;
  useEffect(() => {
    if (lastShown >= rowCount - 1 && pages.hasNextPage && !pages.isFetchingNextPage) {
      void pages.fetchNextPage();
    }
  }, [lastShown, rowCount, pages]);

  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");
  return (
    <div
      ref={scroller}
      className={dropping ? "grid dropping" : "grid"}
      aria-label="Attachments"
      aria-busy={pages.isFetching}
      onDragOver={(event) => {
        if (!hasFiles(event) || !props.uploadTarget) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setDropping(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDropping(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event) || !props.uploadTarget) return;
        event.preventDefault();
        setDropping(false);
        props.onFilesDropped([...event.dataTransfer.files]);
      }}
    >
      {dropping && <div className="drop-hint">Drop to upload to {props.uploadTarget}</div>}
      {pages.isError && (
        <p className="error" role="alert">
          {pages.error.message}
        </p>
      )}
      {pages.isSuccess && items.length === 0 && <p className="empty">No attachments match.</p>}
      <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
        {virtualRows.map((row) => (
          <div
            key={row.key}
            className="grid-row"
            style={{ transform: `translateY(${row.start}px)`, height: CARD_HEIGHT }}
          >
            {row.index >= rowCount ? (
              <p className="empty">Loading more…</p>
            ) : (
              items.slice(row.index * columns, row.index * columns + columns).map((attachment) => (
                <Card
                  key={attachment.id}
                  attachment={attachment}
                  selected={props.selection.has(attachment.id)}
                  onToggle={() => props.onToggle(attachment)}
                  onPreview={() => props.onPreview(attachment)}
                  onDetails={() => props.onDetails(attachment)}
                  onDragStart={(event) => props.onDragStart(attachment, event)}
                />
              ))
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
