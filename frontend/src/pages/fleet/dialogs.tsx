/** The fleet's dialogs: invite users, remove users (each ending on a result per database), and
 * the results of "Pull from Odoo.com". */

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import * as fleet from "../../api/fleet";
import type { DiscoveryResult, UserResult } from "../../api/fleet";
import { Dialog, FormWithError } from "../../components/Dialog";

interface Target {
  id: number;
  name: string;
}

function DatabaseNames({ databases }: { databases: Target[] }) {
  return (
    <div>
      <strong>{databases.length === 1 ? "Database" : `${databases.length} databases`}</strong>
      <ul className="fleet-targets">
        {databases.map((database) => (
          <li key={database.id}>{database.name}</li>
        ))}
      </ul>
    </div>
  );
}

/** One row per database: whether the action succeeded there, and the message. */
export function ResultTable({ results, caption }: { results: UserResult[]; caption: string }) {
  return (
    <div className="fleet-table-wrap">
      <table className="fleet-results">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Database</th>
            <th scope="col">Result</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {results.map((result) => (
            <tr key={result.database_id}>
              <td>{result.name}</td>
              <td className={result.ok ? "fleet-ok" : "error"}>{result.ok ? "Done" : "Failed"}</td>
              <td>{result.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function InviteDialog({
  databases,
  onDone,
  onClose,
}: {
  databases: Target[];
  onDone: () => void;
  onClose: () => void;
}) {
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<Map<number, fleet.Person>>(new Map());
  const [results, setResults] = useState<UserResult[] | null>(null);
  const found = useQuery({ queryKey: ["fleet", "people", search], queryFn: () => fleet.people(search) });
  if (results) {
    return (
      <Dialog title="Invite users" onClose={onClose} wide>
        <ResultTable results={results} caption="Invitations" />
        <div className="buttons">
          <button type="button" className="primary" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  const toggle = (person: fleet.Person) =>
    setChosen((current) => {
      const next = new Map(current);
      if (next.has(person.id)) next.delete(person.id);
      else next.set(person.id, person);
      return next;
    });
  return (
    <Dialog title="Invite users" onClose={onClose} wide>
      <FormWithError
        submitLabel="Invite"
        onCancel={onClose}
        onSubmit={async () => {
          if (!chosen.size) throw new Error("Choose at least one user to invite.");
          const answer = await fleet.invite(
            databases.map((database) => database.id),
            [...chosen.keys()],
          );
          setResults(answer.results);
          onDone();
        }}
      >
        <DatabaseNames databases={databases} />
        <p className="note">
          Each user gets an account on these databases with their email as login (no password-reset email).
        </p>
        <label>
          Find local users
          <input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Name, username or email"
            autoFocus
          />
        </label>
        <fieldset className="checklist fleet-people">
          <legend>Users</legend>
          {found.isError && (
            <p className="error" role="alert">
              {found.error.message}
            </p>
          )}
          {found.data?.length === 0 && <p className="note">Nobody matches.</p>}
          {[...chosen.values(), ...(found.data ?? []).filter((person) => !chosen.has(person.id))].map((person) => (
            <label key={person.id}>
              <input
                type="checkbox"
                checked={chosen.has(person.id)}
                disabled={!person.email}
                onChange={() => toggle(person)}
              />
              {person.name} <span className="note">{person.email || "(no email: cannot be invited)"}</span>
            </label>
          ))}
        </fieldset>
      </FormWithError>
    </Dialog>
  );
}

/** Logins typed one per line (or separated by commas or spaces), without duplicates. */
export function parseLogins(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((login) => login.trim()).filter(Boolean))];
}

export function RemoveDialog({
  databases,
  onDone,
  onClose,
}: {
  databases: Target[];
  onDone: () => void;
  onClose: () => void;
}) {
  const [results, setResults] = useState<UserResult[] | null>(null);
  if (results) {
    return (
      <Dialog title="Remove users" onClose={onClose} wide>
        <ResultTable results={results} caption="Removals" />
        <div className="buttons">
          <button type="button" className="primary" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="Remove users" onClose={onClose} wide>
      <FormWithError
        submitLabel="Remove"
        onCancel={onClose}
        onSubmit={async (form) => {
          const logins = parseLogins(String(form.get("logins") ?? ""));
          if (!logins.length) throw new Error("Enter at least one login.");
          const where =
            form.get("where") === "everywhere"
              ? ({ everywhere: true } as const)
              : { databases: databases.map((database) => database.id) };
          const answer = await fleet.removeUsers(logins, where);
          setResults(answer.results);
          onDone();
        }}
      >
        <label>
          Logins (one per line)
          <textarea name="logins" rows={3} autoFocus placeholder="jane@firm.example" />
        </label>
        <fieldset className="checklist">
          <legend>From</legend>
          <label>
            <input type="radio" name="where" value="chosen" defaultChecked />
            {databases.length === 1 ? databases[0]!.name : `the ${databases.length} selected databases`}
          </label>
          <label>
            <input type="radio" name="where" value="everywhere" />
            every database where they have an account
          </label>
        </fieldset>
        <p className="note">The users are deactivated on the databases (never deleted) and no longer listed here.</p>
      </FormWithError>
    </Dialog>
  );
}

export function DiscoveryDialog({ results, onClose }: { results: DiscoveryResult[]; onClose: () => void }) {
  return (
    <Dialog title="Pull from Odoo.com" onClose={onClose} wide>
      {results.length === 0 ? (
        <p>Odoo.com lists no database for this account.</p>
      ) : (
        <div className="fleet-table-wrap">
          <table className="fleet-results">
            <thead>
              <tr>
                <th scope="col">Database</th>
                <th scope="col">Action</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {results.map((result) => (
                <tr key={result.url || result.name}>
                  <td>{result.name}</td>
                  <td className={result.action === "failed" ? "error" : undefined}>{result.action}</td>
                  <td>{result.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="buttons">
        <button type="button" className="primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}

/**
 * Opens a database in a new tab. The tab is opened within the click (a popup blocker lets it
 * through), then sent to the URL the API gives; closed again if the API fails.
 */
export async function openDatabase(id: number): Promise<void> {
  const tab = window.open("", "_blank");
  try {
    const { url } = await fleet.connectUrl(id);
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    } else window.location.assign(url);
  } catch (failure) {
    tab?.close();
    throw failure;
  }
}
