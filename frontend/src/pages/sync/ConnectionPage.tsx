/**
 * `/sync/connections/new` and `/sync/connections/<id>`: the connection form, its fields
 * generated from the options the connector type declares, its subscribers and the folders and
 * folder rules it syncs (pickers), and for an existing connection its status with Test, Pause,
 * Reconnect and Reset (with the impact preview).
 */

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client";
import * as sync from "../../api/sync";
import { Dialog } from "../../components/Dialog";
import { DirectoryPicker, type PickerOption } from "../../components/DirectoryPicker";
import { searchPeople } from "../../components/directorySearch";
import { formatSize } from "../files/AttachmentGrid";
import { searchFolderOptions, searchRuleOptions } from "./assignments";
import { StateBadge } from "./ConnectionsPage";
import { fieldErrors, optionValues } from "./filters";
import { when } from "./SyncLayout";

export function ConnectionPage() {
  const { id } = useParams();
  const existing = id !== undefined ? Number(id) : null;
  const types = useQuery({ queryKey: ["sync", "connector-types"], queryFn: sync.connectorTypes });
  const detail = useQuery({
    queryKey: ["sync", "connection", existing],
    queryFn: () => sync.connection(existing as number),
    enabled: existing !== null && Number.isInteger(existing),
  });
  const failure = types.error ?? detail.error;
  if (existing !== null && !Number.isInteger(existing)) return <p className="error">No such connection.</p>;
  return (
    <section className="sync-section">
      <p>
        <Link to="/sync">← Connections</Link>
      </p>
      <h1>{existing === null ? "Add a connection" : (detail.data?.name ?? "Connection")}</h1>
      {failure && (
        <p className="error" role="alert">
          {failure.message}
        </p>
      )}
      {!failure && (!types.data || (existing !== null && !detail.data)) && <p className="note">Loading…</p>}
      {types.data && existing !== null && detail.data && (
        <>
          <ConnectionStatus connection={detail.data} />
          <ConnectionForm key={detail.data.id} types={types.data} connection={detail.data} />
        </>
      )}
      {types.data && existing === null && <ConnectionForm types={types.data} connection={null} />}
    </section>
  );
}

function ConnectionForm({
  types,
  connection,
}: {
  types: sync.ConnectorType[];
  connection: sync.ConnectionDetail | null;
}) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const usable = types.filter((type) => type.name !== "memory" || connection?.type === "memory");
  const [typeName, setTypeName] = useState(connection?.type ?? usable[0]?.name ?? "");
  const type = types.find((candidate) => candidate.name === typeName);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const named = (rows: sync.Named[] | undefined): PickerOption[] =>
    rows?.map((row) => ({ id: row.id, label: row.name })) ?? [];
  const [subscribers, setSubscribers] = useState(() => named(connection?.subscribers));
  const [folders, setFolders] = useState(() => named(connection?.folders));
  const [rules, setRules] = useState(() => named(connection?.rules));

  async function submit(element: HTMLFormElement) {
    if (!type) return;
    const form = new FormData(element);
    const changes: sync.ConnectionChanges = {
      name: String(form.get("name") ?? ""),
      root_folder: String(form.get("root_folder") ?? ""),
      options: optionValues(type.options, form),
      subscribers: subscribers.map((person) => person.id),
      folders: folders.map((folder) => folder.id),
      rules: rules.map((rule) => rule.id),
    };
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      if (connection) {
        const saved = await sync.updateConnection(connection.id, changes);
        client.setQueryData(["sync", "connection", saved.id], saved);
        for (const secret of element.querySelectorAll<HTMLInputElement>("input[type=password]")) secret.value = "";
        setMessage({ text: "Saved.", error: false });
      } else {
        const saved = await sync.createConnection({ ...changes, type: type.name });
        client.setQueryData(["sync", "connection", saved.id], saved);
        navigate(`/sync/connections/${saved.id}`);
      }
      await client.invalidateQueries({ queryKey: ["sync", "connections"] });
    } catch (failure) {
      const found = failure instanceof ApiError ? fieldErrors(failure.body) : {};
      setErrors(found);
      const text = failure instanceof Error ? failure.message : String(failure);
      setMessage({
        text: Object.keys(found).length ? "Not saved: check the fields marked below." : text,
        error: true,
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="form connection-form"
      aria-label="Connection settings"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(event.currentTarget);
      }}
    >
      <Field name="name" label="Name" required error={errors.name}>
        {(props) => <input {...props} defaultValue={connection?.name ?? ""} autoComplete="off" />}
      </Field>
      {connection ? (
        <p>
          <strong>Type:</strong> {type?.label ?? connection.type}
        </p>
      ) : (
        <Field name="type" label="Type" required error={errors.type} help={type?.help}>
          {(props) => (
            <select {...props} value={typeName} onChange={(event) => setTypeName(event.target.value)}>
              {usable.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field
        name="root_folder"
        label="Root folder"
        required
        error={errors.root_folder}
        help="The folder on the remote that Archivist syncs into (created at the first sync)."
      >
        {(props) => <input {...props} defaultValue={connection?.root_folder ?? "Archivist"} />}
      </Field>
      {type && (
        <fieldset className="options" key={type.name}>
          <legend>{type.label} options</legend>
          {type.options.map((option) => (
            <OptionField
              key={option.name}
              option={option}
              stored={connection?.options[option.name]}
              isSet={connection?.secrets[option.name]?.set ?? false}
              error={errors[`option:${option.name}`]}
            />
          ))}
        </fieldset>
      )}
      <fieldset className="picker-group">
        <legend>What it syncs</legend>
        <Field
          name="folders"
          label="Folders"
          error={errors.folders}
          help="Each folder with its subfolders. A folder synced to another connection moves here."
        >
          {(props) => (
            <DirectoryPicker
              id={props.id}
              label="Folders"
              value={folders}
              onChange={setFolders}
              search={searchFolderOptions}
              placeholder="Search folders by name"
              describedBy={props["aria-describedby"]}
              invalid={props["aria-invalid"]}
            />
          )}
        </Field>
        <Field
          name="rules"
          label="Folder rules"
          error={errors.rules}
          help="Every folder the rule makes. A rule synced to another connection moves here."
        >
          {(props) => (
            <DirectoryPicker
              id={props.id}
              label="Folder rules"
              value={rules}
              onChange={setRules}
              search={searchRuleOptions}
              placeholder="Search rules by name or model"
              describedBy={props["aria-describedby"]}
              invalid={props["aria-invalid"]}
            />
          )}
        </Field>
      </fieldset>
      <Field
        name="subscribers"
        label="Subscribers"
        error={errors.subscribers}
        help="Told by email of the connection's critical errors."
      >
        {(props) => (
          <DirectoryPicker
            id={props.id}
            label="Subscribers"
            value={subscribers}
            onChange={setSubscribers}
            search={searchPeople}
            placeholder="Search people by name, username or email"
            describedBy={props["aria-describedby"]}
            invalid={props["aria-invalid"]}
          />
        )}
      </Field>
      {message && (
        <p className={message.error ? "error" : "saved"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy || !type}>
          {connection ? "Save" : "Add connection"}
        </button>
      </div>
    </form>
  );
}

interface ControlProps {
  id: string;
  name: string;
  required?: boolean;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

/** A labelled field with its help text and its error next to it. */
function Field({
  name,
  label,
  required = false,
  help,
  error,
  status,
  children,
}: {
  name: string;
  label: string;
  required?: boolean;
  help?: string;
  error?: string;
  status?: string;
  children: (props: ControlProps) => React.ReactNode;
}) {
  const id = `field-${name.replace(/[^a-z0-9_-]/gi, "-")}`;
  const described = [help && `${id}-help`, status && `${id}-status`, error && `${id}-error`]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={error ? "field invalid" : "field"}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
        {status && (
          <span id={`${id}-status`} className="secret-state">
            {" "}
            ({status})
          </span>
        )}
      </label>
      {children({
        id,
        name,
        required: required || undefined,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": described || undefined,
      })}
      {help && (
        <small id={`${id}-help`} className="note">
          {help}
        </small>
      )}
      {error && (
        <span id={`${id}-error`} className="error field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function OptionField({
  option,
  stored,
  isSet,
  error,
}: {
  option: sync.ConnectorOption;
  stored: string | number | boolean | null | undefined;
  isSet: boolean;
  error?: string;
}) {
  const name = `option:${option.name}`;
  const fallback = option.default === null || option.default === "" ? "" : ` (default: ${String(option.default)})`;
  const common = { name, label: option.label, required: option.required, error };
  if (option.secret) {
    return (
      <Field
        {...common}
        status={isSet ? "set" : "not set"}
        help={`${option.help} Stored encrypted${isSet ? "; leave empty to keep the current one" : ""}.`}
      >
        {(props) => <input {...props} type="password" autoComplete="new-password" />}
      </Field>
    );
  }
  if (option.kind === "boolean") {
    const value = stored === true ? "true" : stored === false ? "false" : "";
    const shown = option.default === true ? "yes" : option.default === false ? "no" : "";
    return (
      <Field {...common} help={option.help}>
        {(props) => (
          <select {...props} defaultValue={value}>
            <option value="">{shown ? `default (${shown})` : "default"}</option>
            <option value="true">yes</option>
            <option value="false">no</option>
          </select>
        )}
      </Field>
    );
  }
  if (option.kind === "choice") {
    return (
      <Field {...common} help={option.help}>
        {(props) => (
          <select {...props} defaultValue={stored === null || stored === undefined ? "" : String(stored)}>
            <option value="">{option.default ? `default (${String(option.default)})` : "default"}</option>
            {option.choices.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  }
  return (
    <Field {...common} help={option.help + fallback}>
      {(props) => (
        <input
          {...props}
          defaultValue={stored === null || stored === undefined ? "" : String(stored)}
          inputMode={option.kind === "integer" ? "numeric" : option.kind === "url" ? "url" : undefined}
          spellCheck={false}
          autoComplete="off"
        />
      )}
    </Field>
  );
}

/** State, last sync and error, queue counts, and the connection's buttons. */
function ConnectionStatus({ connection }: { connection: sync.ConnectionDetail }) {
  const client = useQueryClient();
  const [resetting, setResetting] = useState(false);
  const [test, setTest] = useState<sync.ConnectionTest | null>(null);
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ["sync"] });
  };
  const action = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onSuccess: refresh,
  });
  const tester = useMutation({
    mutationFn: () => sync.testConnection(connection.id),
    onMutate: () => setTest(null),
    onSuccess: (answer) => setTest(answer),
  });
  return (
    <section className="connection-status" aria-label="Status">
      <dl className="facts">
        <div className="fact">
          <dt>State</dt>
          <dd>
            <StateBadge state={connection.state} />
          </dd>
        </div>
        <div className="fact">
          <dt>Last sync</dt>
          <dd>{when(connection.last_run_at)}</dd>
        </div>
        <div className="fact">
          <dt>Queue</dt>
          <dd>
            {connection.queue.pending} pending, {connection.queue.running} running,{" "}
            {connection.queue.failed} failed (<Link to={`/sync/queue?connection=${connection.id}`}>see the queue</Link>)
          </dd>
        </div>
        {connection.last_error && (
          <div className="fact">
            <dt>Last error</dt>
            <dd className="error">{connection.last_error}</dd>
          </div>
        )}
      </dl>
      <div className="status-buttons">
        {connection.state !== "paused" && (
          <button type="button" disabled={action.isPending} onClick={() => action.mutate(() => sync.pause(connection.id))}>
            Pause
          </button>
        )}
        <button
          type="button"
          disabled={action.isPending}
          title="Sync again (after a pause, an error or new credentials)"
          onClick={() => action.mutate(() => sync.reconnect(connection.id))}
        >
          Reconnect
        </button>
        <button type="button" disabled={tester.isPending} onClick={() => tester.mutate()}>
          {tester.isPending ? "Testing…" : "Test connection"}
        </button>
        {connection.state !== "reset" && (
          <button type="button" className="danger" onClick={() => setResetting(true)}>
            Reset…
          </button>
        )}
      </div>
      {(action.error ?? tester.error) && (
        <p className="error" role="alert">
          {(action.error ?? tester.error)?.message}
        </p>
      )}
      {test && (
        <p className={test.ok ? "saved" : "error"} role={test.ok ? "status" : "alert"}>
          {test.ok
            ? `Connected. ${test.entries.length ? `The root folder holds ${test.entries.slice(0, 5).join(", ")}${test.entries.length > 5 ? "…" : ""}` : "The root folder is empty"}.`
            : `Connection failed: ${test.error}`}
        </p>
      )}
      {resetting && <ResetDialog connection={connection} onDone={refresh} onClose={() => setResetting(false)} />}
    </section>
  );
}

function ResetDialog({
  connection,
  onDone,
  onClose,
}: {
  connection: sync.Connection;
  onDone: () => Promise<void>;
  onClose: () => void;
}) {
  const impact = useQuery({
    queryKey: ["sync", "reset-impact", connection.id],
    queryFn: () => sync.resetImpact(connection.id),
    gcTime: 0,
  });
  const confirm = useMutation({
    mutationFn: () => sync.reset(connection.id),
    onSuccess: async () => {
      await onDone();
      onClose();
    },
  });
  return (
    <Dialog title={`Reset ${connection.name}`} onClose={onClose}>
      <div className="form">
        <p>
          A reset is a reverse sync of everything: every file comes back to Archivist, the cloud copies are removed,
          then the connection pauses. Use it only when you really need it.
        </p>
        {impact.isPending && <p className="note">Counting what would come back…</p>}
        {impact.isError && (
          <p className="error" role="alert">
            {impact.error.message}
          </p>
        )}
        {impact.data && (
          <dl className="facts reset-impact" aria-label="What comes back">
            <div className="fact">
              <dt>Folders</dt>
              <dd data-testid="reset-folders">{impact.data.folders}</dd>
            </div>
            <div className="fact">
              <dt>Files</dt>
              <dd data-testid="reset-files">{impact.data.files}</dd>
            </div>
            <div className="fact">
              <dt>To download</dt>
              <dd data-testid="reset-download">
                {impact.data.files_to_download} files, {formatSize(impact.data.bytes_to_download)}
              </dd>
            </div>
          </dl>
        )}
        {confirm.isError && (
          <p className="error" role="alert">
            {confirm.error.message}
          </p>
        )}
        <div className="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary danger"
            disabled={!impact.data || confirm.isPending}
            onClick={() => confirm.mutate()}
          >
            Reset connection
          </button>
        </div>
      </div>
    </Dialog>
  );
}
