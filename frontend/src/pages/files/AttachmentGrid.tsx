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
import { AttachmentCard } from "../../components/AttachmentCard";
import type { AttachmentQuery } from "../../lib/filters";
import type { Selection } from "../../lib/selection";

const CARD_WIDTH = 188;
const CARD_HEIGHT = 236;
const PAGE = 120;

// The card helpers moved to lib/attachments; other pages still import them from here.
export { COLOURS, formatSize, isSynced, typeLabel } from "../../lib/attachments";

export function useAttachmentPages(query: AttachmentQuery) {
  return useInfiniteQuery({
    queryKey: ["attachments", query],
    queryFn: ({ pageParam }) => documents.attachments(query, pageParam, PAGE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
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
                <AttachmentCard
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
