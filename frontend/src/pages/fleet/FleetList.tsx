/**
 * The fleet dashboard (spec "Databases App"): every database the user may see with its KPI
 * columns and tax-return colours; filters, search and sorting (by the API); selection;
 * "Synchronize" for all, the selection or one row with visible progress; Invite and Remove
 * users; Connect; "Pull from Odoo.com". Write actions are offered to Databases Administrators
 * only, as the API refuses them to others.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { Link } from "react-router";
import * as fleet from "../../api/fleet";
import type { DatabaseFilters, FleetDatabase, Ordering } from "../../api/fleet";
import { useUser } from "../../app/session";
import { DiscoveryDialog, InviteDialog, openDatabase, RemoveDialog } from "./dialogs";
import { TaxBadge } from "./TaxBadge";
import { TAX_RETURN_STATUSES, when } from "./status";
import { SyncPanel, useSynchronize } from "./sync";
import "./fleet.css";

const COLUMNS: { key: Ordering | null; label: string; numeric?: boolean }[] = [
  { key: "name", label: "Database" },
  { key: "hosting", label: "Hosting" },
  { key: "version", label: "Version" },
  { key: null, label: "Responsible" },
  { key: null, label: "Tags" },
  { key: "documents", label: "Documents", numeric: true },
  { key: "draft_entries", label: "Draft entries", numeric: true },
  { key: "tax_return_status", label: "Tax returns" },
  { key: null, label: "Users", numeric: true },
  { key: "last_sync", label: "Last sync" },
  { key: "sync_errors", label: "Errors", numeric: true },
];

export function FleetList() {
  const user = useUser();
  const admin = user.fleet_administrator;
  const client = useQueryClient();
  const [filters, setFilters] = useState<DatabaseFilters>(fleet.NO_DATABASE_FILTERS);
  const [searchText, setSearchText] = useState("");
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [dialog, setDialog] = useState<ReactNode>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sync = useSynchronize();

  useEffect(() => {
    const timer = setTimeout(() => setFilters((current) => ({ ...current, search: searchText })), 300);
    return () => clearTimeout(timer);
  }, [searchText]);

  const rows = useQuery({ queryKey: ["fleet", "databases", filters], queryFn: () => fleet.databases(filters) });
  const everything = useQuery({
    queryKey: ["fleet", "databases", fleet.NO_DATABASE_FILTERS],
    queryFn: () => fleet.databases(fleet.NO_DATABASE_FILTERS),
  });
  const tagNames = useQuery({ queryKey: ["fleet", "tags"], queryFn: fleet.tags });
  const responsibles = useMemo(() => {
    const found = new Map<number, string>();
    for (const row of everything.data ?? []) {
      if (row.responsible !== null) found.set(row.responsible, row.responsible_name ?? `User ${row.responsible}`);
    }
    return [...found].sort((a, b) => a[1].localeCompare(b[1]));
  }, [everything.data]);

  const shown = rows.data ?? [];
  const byId = new Map((everything.data ?? []).concat(shown).map((row) => [row.id, row]));
  const chosen = [...selected].filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  const allShownSelected = shown.length > 0 && shown.every((row) => selected.has(row.id));
  const refresh = () => void client.invalidateQueries({ queryKey: ["fleet"] });
  const set = (changes: Partial<DatabaseFilters>) => setFilters((current) => ({ ...current, ...changes }));
  const filtered =
    JSON.stringify({ ...filters, ordering: "", descending: false, search: searchText }) !==
    JSON.stringify({ ...fleet.NO_DATABASE_FILTERS, ordering: "", descending: false });

  const sortBy = (key: Ordering) =>
    setFilters((current) => ({
      ...current,
      ordering: key,
      descending: current.ordering === key ? !current.descending : false,
    }));
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const connect = (row: FleetDatabase) =>
    openDatabase(row.id).catch((failure: Error) => setNotice(`Cannot connect to ${row.name}: ${failure.message}`));
  const pull = async () => {
    setNotice(null);
    try {
      const answer = await fleet.discover();
      refresh();
      setDialog(<DiscoveryDialog results={answer.results} onClose={() => setDialog(null)} />);
    } catch (failure) {
      setNotice(`Pull from Odoo.com failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
  };

  return (
    <div className="fleet-page">
      <header className="fleet-head">
        <h1>Databases</h1>
        <span className="badge" aria-label="Databases shown">
          {shown.length}
        </span>
        <div className="fleet-actions">
          <button
            type="button"
            className="primary"
            disabled={sync.busy}
            onClick={() =>
              chosen.length
                ? void sync.start({ databases: chosen.map((row) => row.id) }, `${chosen.length} databases`)
                : void sync.start({ all: true }, "all databases")
            }
          >
            {chosen.length ? `Synchronize selected (${chosen.length})` : "Synchronize all"}
          </button>
          {admin && (
            <>
              <button
                type="button"
                disabled={!chosen.length}
                title={chosen.length ? undefined : "Select databases first"}
                onClick={() =>
                  setDialog(<InviteDialog databases={chosen} onDone={refresh} onClose={() => setDialog(null)} />)
                }
              >
                Invite users
              </button>
              <button
                type="button"
                disabled={!chosen.length}
                title={chosen.length ? undefined : "Select databases first"}
                onClick={() =>
                  setDialog(<RemoveDialog databases={chosen} onDone={refresh} onClose={() => setDialog(null)} />)
                }
              >
                Remove users
              </button>
              <button type="button" onClick={() => void pull()}>
                Pull from Odoo.com
              </button>
            </>
          )}
        </div>
      </header>

      <form className="fleet-filters" role="search" aria-label="Filter databases" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
            placeholder="Name or URL"
          />
        </label>
        <label>
          Tag
          <select
            aria-label="Tag"
            value={filters.tag}
            onChange={(event) => set({ tag: event.target.value })}
          >
            <option value="">Any</option>
            {(tagNames.data ?? []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Responsible
          <select
            aria-label="Responsible"
            value={filters.responsible ?? ""}
            onChange={(event) => set({ responsible: event.target.value ? Number(event.target.value) : null })}
          >
            <option value="">Anyone</option>
            {responsibles.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Hosting
          <select
            aria-label="Hosting"
            value={filters.hosting}
            onChange={(event) => set({ hosting: event.target.value as fleet.Hosting | "" })}
          >
            <option value="">Any</option>
            {fleet.HOSTINGS.map((hosting) => (
              <option key={hosting.value} value={hosting.value}>
                {hosting.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tax returns
          <select
            aria-label="Tax returns"
            value={filters.tax_return_status}
            onChange={(event) => set({ tax_return_status: event.target.value as fleet.TaxReturnStatus | "" })}
          >
            <option value="">Any</option>
            {TAX_RETURN_STATUSES.map((status) => (
              <option key={status.value} value={status.value}>
                {status.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={filters.errors} onChange={(event) => set({ errors: event.target.checked })} />
          With sync errors
        </label>
        {filtered && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setSearchText("");
              setFilters((current) => ({
                ...fleet.NO_DATABASE_FILTERS,
                ordering: current.ordering,
                descending: current.descending,
              }));
            }}
          >
            Reset filters
          </button>
        )}
      </form>

      <SyncPanel sync={sync} />
      {notice && (
        <p className="error fleet-notice" role="alert">
          {notice}{" "}
          <button type="button" className="link" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      {rows.isError && (
        <p className="error" role="alert">
          The databases cannot be listed: {rows.error.message}
        </p>
      )}
      {chosen.length > 0 && (
        <p className="fleet-selection">
          {chosen.length} selected{" "}
          <button type="button" className="link" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </p>
      )}

      <div className="fleet-table-wrap">
        <table className="fleet-table" aria-busy={rows.isFetching}>
          <thead>
            <tr>
              <th scope="col" className="fleet-check">
                <input
                  type="checkbox"
                  aria-label="Select all shown databases"
                  checked={allShownSelected}
                  onChange={() =>
                    setSelected((current) => {
                      const next = new Set(current);
                      for (const row of shown) {
                        if (allShownSelected) next.delete(row.id);
                        else next.add(row.id);
                      }
                      return next;
                    })
                  }
                />
              </th>
              {COLUMNS.map((column) => (
                <th
                  key={column.label}
                  scope="col"
                  className={column.numeric ? "num" : undefined}
                  aria-sort={
                    column.key && filters.ordering === column.key
                      ? filters.descending
                        ? "descending"
                        : "ascending"
                      : undefined
                  }
                >
                  {column.key ? (
                    <button type="button" className="fleet-sort" onClick={() => sortBy(column.key!)}>
                      {column.label}
                      {filters.ordering === column.key ? (filters.descending ? " ▼" : " ▲") : ""}
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <DatabaseRow
                key={row.id}
                row={row}
                selected={selected.has(row.id)}
                onToggle={() => toggle(row.id)}
                onSync={() => void sync.start({ databases: [row.id] }, row.name)}
                syncing={sync.busy}
                onConnect={() => void connect(row)}
              />
            ))}
          </tbody>
        </table>
        {rows.isSuccess && shown.length === 0 && (
          <p className="empty">{filtered ? "No database matches these filters." : "No database yet."}</p>
        )}
        {rows.isPending && <p className="empty">Loading…</p>}
      </div>
      {dialog}
    </div>
  );
}

function DatabaseRow({
  row,
  selected,
  onToggle,
  onSync,
  syncing,
  onConnect,
}: {
  row: FleetDatabase;
  selected: boolean;
  onToggle: () => void;
  onSync: () => void;
  syncing: boolean;
  onConnect: () => void;
}) {
  const drafts = Object.values(row.kpis)
    .filter((kpi) => kpi.type === "integer" && kpi.name !== "Inbox")
    .map((kpi) => `${kpi.name}: ${kpi.value}`)
    .join(", ");
  return (
    <tr className={selected ? "selected" : undefined} aria-label={row.name}>
      <td className="fleet-check">
        <input type="checkbox" aria-label={`Select ${row.name}`} checked={selected} onChange={onToggle} />
      </td>
      <td className="fleet-name">
        <Link to={`/fleet/databases/${row.id}`}>{row.name}</Link>
        {row.url && <span className="note fleet-url">{row.url}</span>}
      </td>
      <td>{row.hosting_label || "—"}</td>
      <td>{row.version || "—"}</td>
      <td>{row.responsible_name ?? "—"}</td>
      <td>
        {row.tags.map((tag) => (
          <span key={tag} className="badge fleet-tag">
            {tag}
          </span>
        ))}
      </td>
      <td className="num">{row.documents ?? "—"}</td>
      <td className="num" title={drafts || undefined}>
        {row.draft_entries ?? "—"}
      </td>
      <td>
        <TaxBadge status={row.tax_return_status} />
      </td>
      <td className="num">{row.user_count}</td>
      <td>{when(row.last_sync, "short")}</td>
      <td className={row.sync_errors ? "num error" : "num"} title={row.last_error || undefined}>
        {row.sync_errors}
      </td>
      <td className="fleet-row-actions">
        {row.hosting && row.hosting !== "other" && (
          <button type="button" onClick={onSync} disabled={syncing} aria-label={`Synchronize ${row.name}`}>
            Sync
          </button>
        )}
        {row.url && (
          <button type="button" onClick={onConnect} aria-label={`Connect to ${row.name}`}>
            Connect
          </button>
        )}
      </td>
    </tr>
  );
}
