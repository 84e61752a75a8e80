/**
 * One database (spec "Adding Databases Manually", "User List in Database Settings"): its
 * fields (editable by Databases Administrators: what PATCH accepts), KPIs, last sync and error,
 * and its users with their last authentication, the matching local user and, for
 * administrators, a trash button that removes (deactivates) the user on this database.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import * as fleet from "../../api/fleet";
import type { DatabaseInput, DatabaseUser, FleetDatabase } from "../../api/fleet";
import { useUser } from "../../app/session";
import { ConfirmDialog, FormWithError } from "../../components/Dialog";
import { InviteDialog, openDatabase, RemoveDialog } from "./dialogs";
import { TaxBadge } from "./TaxBadge";
import { sortedKpis, when } from "./status";
import { OutcomeSummary } from "./sync";
import "./fleet.css";

export function DatabasePage() {
  const id = Number(useParams().id);
  const found = useQuery({
    queryKey: ["fleet", "databases", "one", id],
    queryFn: () => fleet.database(id),
    enabled: Number.isInteger(id),
  });
  if (!Number.isInteger(id)) return <p className="page-message">No such database.</p>;
  if (found.isPending) return <p className="page-message">Loading…</p>;
  if (found.isError)
    return (
      <section className="page-message" role="alert">
        <h1>This database cannot be shown</h1>
        <p>{found.error.message}</p>
        <Link to="/fleet">Back to the databases</Link>
      </section>
    );
  return <DatabaseView database={found.data} />;
}

function DatabaseView({ database }: { database: FleetDatabase }) {
  const admin = useUser().fleet_administrator;
  const client = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<ReactNode>(null);
  const [message, setMessage] = useState<ReactNode>(null);
  const [syncing, setSyncing] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: ["fleet"] });
  const target = [{ id: database.id, name: database.name }];
  const speaksOdoo = database.hosting !== "" && database.hosting !== "other";

  const synchronize = async () => {
    setSyncing(true);
    setMessage(null);
    try {
      const outcome = await fleet.syncDatabase(database.id);
      setMessage(<OutcomeSummary outcomes={[outcome]} />);
      await refresh();
    } catch (failure) {
      setMessage(<span className="error">Synchronization failed: {(failure as Error).message}</span>);
    } finally {
      setSyncing(false);
    }
  };

  return (
    <div className="fleet-page fleet-form-page">
      <nav className="fleet-crumbs" aria-label="Breadcrumb">
        <Link to="/fleet">Databases</Link> / <span>{database.name}</span>
      </nav>
      <header className="fleet-head">
        <h1>{database.name}</h1>
        <div className="fleet-actions">
          {speaksOdoo && (
            <button type="button" className="primary" disabled={syncing} onClick={() => void synchronize()}>
              {syncing ? "Synchronizing…" : "Synchronize"}
            </button>
          )}
          {database.url && (
            <button
              type="button"
              onClick={() =>
                void openDatabase(database.id).catch((failure: Error) =>
                  setMessage(<span className="error">Cannot connect: {failure.message}</span>),
                )
              }
            >
              Connect
            </button>
          )}
          {admin && (
            <>
              <button
                type="button"
                onClick={() =>
                  setDialog(<InviteDialog databases={target} onDone={() => void refresh()} onClose={() => setDialog(null)} />)
                }
              >
                Invite users
              </button>
              <button
                type="button"
                onClick={() =>
                  setDialog(<RemoveDialog databases={target} onDone={() => void refresh()} onClose={() => setDialog(null)} />)
                }
              >
                Remove users
              </button>
              <button
                type="button"
                onClick={() =>
                  setDialog(
                    <ConfirmDialog
                      title={`Delete ${database.name}`}
                      message="The database is removed from the fleet here; nothing changes on the database itself."
                      confirmLabel="Delete"
                      onConfirm={async () => {
                        await fleet.deleteDatabase(database.id);
                        await client.invalidateQueries({ queryKey: ["fleet", "databases"] });
                        navigate("/fleet");
                      }}
                      onClose={() => setDialog(null)}
                    />,
                  )
                }
              >
                Delete
              </button>
            </>
          )}
        </div>
      </header>
      {message && (
        <div className="fleet-sync" role="status">
          {message}
        </div>
      )}

      <div className="fleet-columns">
        <section aria-labelledby="fleet-kpis" className="fleet-card">
          <h2 id="fleet-kpis">KPIs</h2>
          <Kpis database={database} />
        </section>
        <section aria-labelledby="fleet-sync-state" className="fleet-card">
          <h2 id="fleet-sync-state">Synchronization</h2>
          <dl className="facts">
            <div className="fact">
              <dt>Version</dt>
              <dd>{database.version || "unknown"}</dd>
            </div>
            <div className="fact">
              <dt>Last sync</dt>
              <dd>{when(database.last_sync)}</dd>
            </div>
            <div className="fact">
              <dt>Sync errors</dt>
              <dd className={database.sync_errors ? "error" : undefined}>
                {database.sync_errors}
                {database.sync_errors >= 5 && " (the daily sync skips it: fix the cause, then synchronize)"}
              </dd>
            </div>
            {database.last_error && (
              <div className="fact">
                <dt>Last error</dt>
                <dd className="error">{database.last_error}</dd>
              </div>
            )}
            {database.sync_notes && (
              <div className="fact">
                <dt>Notes</dt>
                <dd>{database.sync_notes}</dd>
              </div>
            )}
          </dl>
        </section>
      </div>

      <section aria-labelledby="fleet-settings" className="fleet-card">
        <h2 id="fleet-settings">Database</h2>
        {admin ? <DatabaseForm key={database.id} database={database} /> : <DatabaseFacts database={database} />}
      </section>

      <section aria-labelledby="fleet-users" className="fleet-card">
        <h2 id="fleet-users">Users</h2>
        <Users database={database} admin={admin} onChanged={() => void refresh()} />
      </section>
      {dialog}
    </div>
  );
}

function Kpis({ database }: { database: FleetDatabase }) {
  const kpis = sortedKpis(database.kpis);
  return (
    <>
      <dl className="facts">
        <div className="fact">
          <dt>Documents</dt>
          <dd>{database.documents ?? "—"}</dd>
        </div>
        <div className="fact">
          <dt>Draft entries</dt>
          <dd>{database.draft_entries ?? "—"}</dd>
        </div>
        <div className="fact">
          <dt>Tax returns</dt>
          <dd>
            <TaxBadge status={database.tax_return_status} />
          </dd>
        </div>
      </dl>
      {kpis.length > 0 ? (
        <table className="fleet-results fleet-kpis">
          <caption>Every KPI of the last sync</caption>
          <tbody>
            {kpis.map(([id, kpi]) => (
              <tr key={id}>
                <th scope="row">{kpi.name}</th>
                <td>{kpi.type === "return_status" ? <TaxBadge status={String(kpi.value)} /> : String(kpi.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="note">No KPI yet: synchronize the database.</p>
      )}
    </>
  );
}

function DatabaseFacts({ database }: { database: FleetDatabase }) {
  const facts: [string, ReactNode][] = [
    ["Responsible", database.responsible_name ?? "—"],
    ["Tags", database.tags.join(", ") || "—"],
    ["Hosting", database.hosting_label || "—"],
    ["URL", database.url || "—"],
    ["Database name", database.database_name || "—"],
    ["API login", database.api_login || "—"],
  ];
  return (
    <dl className="facts">
      {facts.map(([label, value]) => (
        <div className="fact" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function DatabaseForm({ database }: { database: FleetDatabase }) {
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [responsibleSearch, setResponsibleSearch] = useState("");
  const candidates = useQuery({
    queryKey: ["fleet", "people", responsibleSearch],
    queryFn: () => fleet.people(responsibleSearch),
  });
  const people = candidates.data ?? [];
  const responsibleKnown = database.responsible === null || people.some((person) => person.id === database.responsible);
  return (
    <FormWithError
      submitLabel="Save"
      onSubmit={async (form) => {
        setSaved(false);
        const text = (name: string) => String(form.get(name) ?? "");
        const changes: DatabaseInput = {
          name: text("name").trim(),
          responsible: text("responsible") ? Number(text("responsible")) : null,
          tags: text("tags")
            .split(",")
            .map((tag) => tag.trim())
            .filter(Boolean),
          hosting: text("hosting") as DatabaseInput["hosting"],
          url: text("url").trim(),
          database_name: text("database_name").trim(),
          api_login: text("api_login").trim(),
          fetch_documents: form.get("fetch_documents") === "on",
          fetch_draft_entries: form.get("fetch_draft_entries") === "on",
          fetch_tax_returns: form.get("fetch_tax_returns") === "on",
        };
        const key = text("api_key");
        if (key) changes.api_key = key;
        if (form.get("remove_key") === "on") changes.api_key = "";
        const updated = await fleet.changeDatabase(database.id, changes);
        client.setQueryData(["fleet", "databases", "one", database.id], updated);
        await client.invalidateQueries({ queryKey: ["fleet", "databases"], exact: false });
        setSaved(true);
      }}
    >
      <div className="fleet-fields">
        <label>
          Name
          <input name="name" defaultValue={database.name} required maxLength={120} />
        </label>
        <label>
          Responsible
          <select name="responsible" defaultValue={database.responsible ?? ""}>
            <option value="">Nobody</option>
            {!responsibleKnown && database.responsible !== null && (
              <option value={database.responsible}>{database.responsible_name}</option>
            )}
            {people.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Find a responsible
          <input
            type="search"
            value={responsibleSearch}
            onChange={(event) => setResponsibleSearch(event.target.value)}
            placeholder="Name or email"
          />
        </label>
        <label>
          Tags (comma-separated)
          <input name="tags" defaultValue={database.tags.join(", ")} />
        </label>
        <label>
          Hosting
          <select name="hosting" defaultValue={database.hosting}>
            <option value="">None</option>
            {fleet.HOSTINGS.map((hosting) => (
              <option key={hosting.value} value={hosting.value}>
                {hosting.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Database URL
          <input name="url" type="url" defaultValue={database.url} placeholder="https://client.example.com" />
        </label>
        <label>
          Database name
          <input name="database_name" defaultValue={database.database_name} />
        </label>
        <label>
          API login
          <input name="api_login" defaultValue={database.api_login} autoComplete="off" />
        </label>
        <label>
          API key
          <input
            name="api_key"
            type="password"
            autoComplete="new-password"
            placeholder={database.api_key ? "a key is stored: type a new one to replace it" : "no key stored"}
          />
        </label>
        {database.api_key && (
          <label className="inline">
            <input type="checkbox" name="remove_key" />
            Remove the stored key
          </label>
        )}
      </div>
      <fieldset className="checklist">
        <legend>Fetch</legend>
        <label>
          <input type="checkbox" name="fetch_documents" defaultChecked={database.fetch_documents} />
          Documents
        </label>
        <label>
          <input type="checkbox" name="fetch_draft_entries" defaultChecked={database.fetch_draft_entries} />
          Draft journal entries
        </label>
        <label>
          <input type="checkbox" name="fetch_tax_returns" defaultChecked={database.fetch_tax_returns} />
          Tax returns
        </label>
      </fieldset>
      {saved && (
        <p className="fleet-ok" role="status">
          Saved.
        </p>
      )}
    </FormWithError>
  );
}

function Users({ database, admin, onChanged }: { database: FleetDatabase; admin: boolean; onChanged: () => void }) {
  const users = useQuery({
    queryKey: ["fleet", "databases", "users", database.id],
    queryFn: () => fleet.databaseUsers(database.id),
  });
  const [dialog, setDialog] = useState<ReactNode>(null);
  if (users.isPending) return <p className="note">Loading…</p>;
  if (users.isError)
    return (
      <p className="error" role="alert">
        {users.error.message}
      </p>
    );
  if (!users.data.length) return <p className="note">No user known yet: synchronize the database.</p>;
  const confirmRemoval = (user: DatabaseUser) =>
    setDialog(
      <ConfirmDialog
        title={`Remove ${user.login}`}
        message={`Deactivate ${user.name || user.login} on ${database.name}? The account is not deleted there.`}
        confirmLabel="Remove"
        onConfirm={async () => {
          const answer = await fleet.removeUsers([user.login], { databases: [database.id] });
          const failed = answer.results.find((result) => !result.ok);
          onChanged();
          if (failed) throw new Error(failed.message);
        }}
        onClose={() => setDialog(null)}
      />,
    );
  return (
    <div className="fleet-table-wrap">
      <table className="fleet-results fleet-users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Login</th>
            <th scope="col">Last authentication</th>
            <th scope="col">Local user</th>
            {admin && (
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {users.data.map((user) => (
            <tr key={user.id}>
              <td>{user.name || "—"}</td>
              <td>{user.login}</td>
              <td>{when(user.latest_authentication)}</td>
              <td>{user.local_username ?? "—"}</td>
              {admin && (
                <td>
                  <button
                    type="button"
                    className="icon fleet-trash"
                    aria-label={`Remove ${user.login}`}
                    title="Remove this user from the database"
                    onClick={() => confirmRemoval(user)}
                  >
                    <TrashIcon />
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {dialog}
    </div>
  );
}

function TrashIcon() {
  return (
    <svg className="svg-icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
      <path
        d="M4 6h12M8 6V4h4v2M6 6l1 10h6l1-10M9 9v5M11 9v5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
