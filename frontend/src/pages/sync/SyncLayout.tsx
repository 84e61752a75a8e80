/** The frame of the sync pages: their tabs (connections, queue, log) above the page. */

import { NavLink, Outlet } from "react-router";
import "./sync.css";

export function SyncLayout() {
  return (
    <div className="sync-page">
      <nav className="sync-tabs" aria-label="Sync">
        <NavLink to="/sync" end>
          Connections
        </NavLink>
        <NavLink to="/sync/queue">Queue</NavLink>
        <NavLink to="/sync/logs">Logs</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}

/** A date and time in the browser's zone, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}
