/** `/sync/queue`: the sync operations, filtered by state and connection, 200 a page. */

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import * as sync from "../../api/sync";
import { when } from "./SyncLayout";

const STATES: { value: string; label: string }[] = [
  { value: "", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "running", label: "Running" },
  { value: "failed", label: "Failed" },
  { value: "done", label: "Done" },
];

export function QueuePage() {
  // the filters live in the address, so a link (a connection's "see the queue") opens them
  const [params, setParams] = useSearchParams();
  const state = params.get("state") ?? "";
  const connection = params.get("connection") ?? "";
  const offset = Math.max(0, Number(params.get("offset") ?? 0) || 0);
  const connections = useQuery({ queryKey: ["sync", "connections"], queryFn: sync.connections });
  const rows = useQuery({
    queryKey: ["sync", "operations", state, connection, offset],
    queryFn: () => sync.operations({ state, connection, offset }),
    placeholderData: keepPreviousData,
  });
  const change = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "offset") next.delete("offset");
    setParams(next, { replace: true });
  };
  const page = rows.data ?? [];
  return (
    <section className="sync-section">
      <div className="sync-head">
        <h1>Queue</h1>
        <button type="button" onClick={() => void rows.refetch()} disabled={rows.isFetching}>
          Refresh
        </button>
      </div>
      <div className="filters" role="group" aria-label="Queue filters">
        <label>
          State{" "}
          <select value={state} onChange={(event) => change("state", event.target.value)}>
            {STATES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Connection{" "}
          <select value={connection} onChange={(event) => change("connection", event.target.value)}>
            <option value="">All</option>
            {connections.data?.map((choice) => (
              <option key={choice.id} value={String(choice.id)}>
                {choice.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {rows.isError && (
        <p className="error" role="alert">
          {rows.error.message}
        </p>
      )}
      {rows.isPending && <p className="note">Loading…</p>}
      {rows.data && page.length === 0 && <p className="empty">No operation matches.</p>}
      {page.length > 0 && (
        <div className="table-scroll">
          <table className="sync-table" aria-label="Operations" aria-busy={rows.isFetching}>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Operation</th>
                <th scope="col">Item</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {page.map((operation) => (
                <tr key={operation.id} className={`op-${operation.state}`}>
                  <td>{operation.connection_name}</td>
                  <td>
                    {operation.kind}
                    {operation.reverse && <span className="note"> (reverse)</span>}
                  </td>
                  <td className="cell-path" title={operation.path}>
                    {operation.path}
                    {operation.target && <> → {operation.target}</>}
                  </td>
                  <td>
                    <span className={`op-state state-${operation.state}`}>{operation.state}</span>
                  </td>
                  <td>{operation.attempts}</td>
                  <td>{operation.state === "pending" ? when(operation.next_attempt_at) : "—"}</td>
                  <td className={operation.last_error ? "cell-error" : undefined}>
                    {operation.last_error || operation.reason || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <button type="button" disabled={offset === 0} onClick={() => change("offset", String(Math.max(0, offset - sync.PAGE)))}>
          ← Previous
        </button>
        <span className="note">
          {page.length ? `${offset + 1}–${offset + page.length}` : ""}
        </span>
        <button
          type="button"
          disabled={page.length < sync.PAGE}
          onClick={() => change("offset", String(offset + sync.PAGE))}
        >
          Next →
        </button>
      </div>
    </section>
  );
}
