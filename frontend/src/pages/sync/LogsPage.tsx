/**
 * `/sync/logs`: the sync log, newest first, with level and connection toggles, a period and a
 * search; fetched 200 lines at a time (the API's `before` cursor) into a virtualised list, so
 * 100,000 lines cost the rows in view. Export downloads the CSV with the same filters.
 */

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { downloadUrl } from "../../api/client";
import * as sync from "../../api/sync";
import { LEVELS, NO_LOG_FILTERS, type LogFilters, type Period, logQuery, toggled } from "./filters";
import { when } from "./SyncLayout";

const PERIODS: { value: Period; label: string }[] = [
  { value: "all", label: "All" },
  { value: "today", label: "Today" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "custom", label: "Custom" },
];

export function LogsPage() {
  const [filters, setFilters] = useState<LogFilters>(NO_LOG_FILTERS);
  const [typed, setTyped] = useState("");
  const set = (changes: Partial<LogFilters>) => setFilters((current) => ({ ...current, ...changes }));
  useEffect(() => {
    const timer = setTimeout(() => setFilters((current) => ({ ...current, search: typed })), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const connections = useQuery({ queryKey: ["sync", "connections"], queryFn: sync.connections });
  const ids = useMemo(() => connections.data?.map((c) => c.id) ?? [], [connections.data]);
  // "today" and "7 days" move with the clock: the query is fixed when the filters change
  const query = useMemo(() => logQuery(filters, ids, new Date()), [filters, ids]);
  const noLevel = filters.levels.length === 0;
  return (
    <section className="sync-section logs-page">
      <div className="sync-head">
        <h1>Logs</h1>
        <button type="button" disabled={noLevel} onClick={() => downloadUrl(sync.logsCsvUrl(query))}>
          Export CSV
        </button>
      </div>
      <div className="log-filters">
        <fieldset className="toggles">
          <legend>Levels</legend>
          {LEVELS.map((level) => (
            <label key={level} className={`toggle level-${level}`}>
              <input
                type="checkbox"
                checked={filters.levels.includes(level)}
                onChange={() => set({ levels: toggled(filters.levels, level) })}
              />{" "}
              {level}
            </label>
          ))}
        </fieldset>
        {connections.data && connections.data.length > 0 && (
          <fieldset className="toggles">
            <legend>Connections</legend>
            {connections.data.map((connection) => (
              <label key={connection.id} className="toggle">
                <input
                  type="checkbox"
                  role="switch"
                  checked={!filters.hidden.includes(connection.id)}
                  onChange={() => set({ hidden: toggled(filters.hidden, connection.id) })}
                />{" "}
                {connection.name}
              </label>
            ))}
          </fieldset>
        )}
        <fieldset className="toggles">
          <legend>Period</legend>
          <select aria-label="Period" value={filters.period} onChange={(event) => set({ period: event.target.value as Period })}>
            {PERIODS.map((period) => (
              <option key={period.value} value={period.value}>
                {period.label}
              </option>
            ))}
          </select>
          {filters.period === "custom" && (
            <>
              <label>
                From <input type="date" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
              </label>
              <label>
                To <input type="date" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
              </label>
            </>
          )}
        </fieldset>
        <input
          type="search"
          className="log-search"
          aria-label="Search the log"
          placeholder="Search messages and items"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
      </div>
      {connections.isError && (
        <p className="error" role="alert">
          {connections.error.message}
        </p>
      )}
      {noLevel ? <p className="empty">Choose at least one level.</p> : <LogLines query={query} />}
    </section>
  );
}

const ESTIMATE = 30;

function LogLines({ query }: { query: sync.LogQuery }) {
  const pages = useInfiniteQuery({
    queryKey: ["sync", "logs", query],
    queryFn: ({ pageParam }) => sync.logs(query, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => (last.length === sync.PAGE ? (last[last.length - 1]?.id ?? null) : null),
  });
  const lines = useMemo(() => pages.data?.pages.flat() ?? [], [pages.data]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATE,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= lines.length - 30) void fetchNextPage();
  }, [lastIndex, lines.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  if (pages.isError)
    return (
      <p className="error" role="alert">
        {pages.error.message}
      </p>
    );
  if (pages.isPending) return <p className="note">Loading…</p>;
  if (!lines.length) return <p className="empty">No log line matches.</p>;
  return (
    <>
      <p className="note" aria-live="polite">
        {lines.length}
        {hasNextPage ? "+" : ""} lines
      </p>
      <div className="log-lines" ref={scroller} role="list" aria-label="Log lines" aria-busy={pages.isFetching}>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const line = lines[item.index];
            if (!line) return null;
            return (
              <div
                key={line.id}
                role="listitem"
                className={`log-line level-${line.level}`}
                data-index={item.index}
                ref={virtual.measureElement}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <time dateTime={line.at}>{when(line.at)}</time>
                <span className="log-level">{line.level}</span>
                <span className="log-connection">{line.connection_name || "—"}</span>
                <span className="log-message">
                  {line.operation && <span className="note">{line.operation} </span>}
                  {line.item && <span className="log-item">{line.item}: </span>}
                  {line.message}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
