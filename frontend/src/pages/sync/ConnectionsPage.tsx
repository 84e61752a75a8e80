/** `/sync`: every connection with its type, state, last sync, error and queue. */

import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import * as sync from "../../api/sync";
import { when } from "./SyncLayout";

export function ConnectionsPage() {
  const list = useQuery({ queryKey: ["sync", "connections"], queryFn: sync.connections });
  return (
    <section className="sync-section">
      <div className="sync-head">
        <h1>Connections</h1>
        <Link className="button primary" to="/sync/connections/new">
          + Add connection
        </Link>
      </div>
      {list.isPending && <p className="note">Loading…</p>}
      {list.isError && (
        <p className="error" role="alert">
          {list.error.message}
        </p>
      )}
      {list.data?.length === 0 && (
        <p className="empty">No connection yet: add one to sync folders with a cloud or a NAS.</p>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-scroll">
          <table className="sync-table" aria-label="Connections">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">Last sync</th>
                <th scope="col">Queue</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((connection) => (
                <tr key={connection.id}>
                  <td>
                    <Link to={`/sync/connections/${connection.id}`}>{connection.name}</Link>
                  </td>
                  <td>{connection.type_label}</td>
                  <td>
                    <StateBadge state={connection.state} />
                  </td>
                  <td>{when(connection.last_run_at)}</td>
                  <td>
                    {connection.queue.pending} pending, {connection.queue.running} running
                    {connection.queue.failed > 0 && (
                      <span className="error">, {connection.queue.failed} failed</span>
                    )}
                  </td>
                  <td className="cell-error">{connection.last_error || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const STATE_LABELS: Record<sync.ConnectionState, string> = {
  active: "active",
  paused: "paused",
  reset: "resetting",
};

export function StateBadge({ state }: { state: sync.ConnectionState }) {
  return <span className={`state-badge state-${state}`}>{STATE_LABELS[state]}</span>;
}
