/**
 * The Settings page (Administration): the installation settings an administrator changes
 * without a restart, in sections that each save on their own — Documents (tags, sharing),
 * Mass actions, Sync, Schedules — and a link to the back office for everything else. A value
 * nobody saved follows the environment (`ARCHIVIST_…`); each field names that default.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import * as settingsApi from "../../api/settings";
import type { InstallationSettings, SettingsChanges } from "../../api/settings";
import { NO_PROBLEMS, NumberField, problemsOf, SettingsSection, type Problems } from "./fields";
import { MassActionsSection } from "./MassActionsSection";
import "./settings.css";

export function SettingsPage() {
  const settings = useQuery({ queryKey: ["settings"], queryFn: settingsApi.installationSettings });
  return (
    <div className="settings-page">
      <header className="settings-head">
        <h1>Settings</h1>
        <a href="/admin/">Everything else: back office</a>
      </header>
      {settings.isPending && <p>Loading…</p>}
      {settings.isError && (
        <p className="error" role="alert">
          {settings.error.message}
        </p>
      )}
      {settings.data && (
        <>
          <DocumentsSection settings={settings.data} />
          <MassActionsSection />
          <SyncSection settings={settings.data} />
          <SchedulesSection settings={settings.data} />
        </>
      )}
    </div>
  );
}

/** Saves a section's changes, refreshes what depends on them, records field errors. */
function useSave(fields: readonly string[], after?: () => void) {
  const client = useQueryClient();
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const save = async (changes: SettingsChanges) => {
    setProblems(NO_PROBLEMS);
    try {
      const answer = await settingsApi.updateSettings(changes);
      client.setQueryData(["settings"], answer);
      after?.();
    } catch (error) {
      setProblems(problemsOf(error, fields));
      throw error;
    }
  };
  return { problems, save };
}

function DocumentsSection({ settings }: { settings: InstallationSettings }) {
  const client = useQueryClient();
  const [tags, setTags] = useState(settings.tags_enabled);
  const [sharing, setSharing] = useState(settings.sharing_enabled);
  const { problems, save } = useSave(["tags_enabled", "sharing_enabled"], () => {
    // the file manager offers trees and actions from these flags
    void client.invalidateQueries({ queryKey: ["me"] });
    void client.invalidateQueries({ queryKey: ["mass-actions"] });
  });
  const dirty = tags !== settings.tags_enabled || sharing !== settings.sharing_enabled;
  return (
    <SettingsSection
      title="Documents"
      description="Turning a feature off hides it and keeps its data: turning it on again brings everything back."
      dirty={dirty}
      problems={problems}
      onSave={() => save({ tags_enabled: tags, sharing_enabled: sharing })}
    >
      <label className="inline">
        <input type="checkbox" checked={tags} onChange={(event) => setTags(event.target.checked)} />
        Tags: the tag tree, tag filters and the “Update tags” action in the file manager
      </label>
      <label className="inline">
        <input type="checkbox" checked={sharing} onChange={(event) => setSharing(event.target.checked)} />
        Sharing: portal shares, their links and the “Share” action (off: links answer “sharing is turned off”)
      </label>
    </SettingsSection>
  );
}

const MIMETYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const SYNC_FIELDS = ["non_synced_mimetypes", "max_attempts", "max_attempts_reverse", "log_days", "log_export_lines"] as const;

function SyncSection({ settings }: { settings: InstallationSettings }) {
  const [mimetypes, setMimetypes] = useState(settings.non_synced_mimetypes);
  const [adding, setAdding] = useState("");
  const [addError, setAddError] = useState<string | null>(null);
  const [numbers, setNumbers] = useState(() => syncNumbers(settings));
  const { problems, save } = useSave(SYNC_FIELDS);
  const defaults = settings.defaults;
  const dirty =
    mimetypes.join(",") !== settings.non_synced_mimetypes.join(",") ||
    JSON.stringify(numbers) !== JSON.stringify(syncNumbers(settings));

  const add = () => {
    const mimetype = adding.trim().toLowerCase();
    if (!mimetype) return;
    if (mimetypes.includes(mimetype)) {
      setAddError(`${mimetype} is listed already`);
      return;
    }
    if (!MIMETYPE.test(mimetype)) {
      // the API says the same; listed anyway so the error shows where it is saved
      setAddError(`${mimetype} does not look like type/subtype (such as video/mp4)`);
    } else setAddError(null);
    setMimetypes([...mimetypes, mimetype]);
    setAdding("");
  };
  const setNumber = (name: keyof typeof numbers) => (value: string) => setNumbers({ ...numbers, [name]: value });

  return (
    <SettingsSection
      title="Sync"
      description="Applied from the next sync round; operations that already spent more attempts than allowed fail at their next try."
      dirty={dirty}
      problems={problems}
      onSave={() =>
        save({
          non_synced_mimetypes: mimetypes,
          max_attempts: Number(numbers.max_attempts),
          max_attempts_reverse: Number(numbers.max_attempts_reverse),
          log_days: Number(numbers.log_days),
          log_export_lines: Number(numbers.log_export_lines),
        })
      }
    >
      <fieldset className="mimetypes">
        <legend>Mimetypes never sent to the cloud</legend>
        <p className="note">
          Always: {settings.builtin_non_synced_mimetypes.join(", ")}. Also these
          {defaults.non_synced_mimetypes.length > 0 && ` (environment: ${defaults.non_synced_mimetypes.join(", ")})`}:
        </p>
        {mimetypes.length === 0 ? (
          <p className="note">None.</p>
        ) : (
          <ul className="mimetype-list" aria-label="Extra mimetypes">
            {mimetypes.map((mimetype) => (
              <li key={mimetype}>
                <span>{mimetype}</span>
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${mimetype}`}
                  onClick={() => setMimetypes(mimetypes.filter((m) => m !== mimetype))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="mimetype-add">
          <input
            type="text"
            aria-label="Mimetype to add"
            placeholder="type/subtype, such as video/mp4"
            value={adding}
            onChange={(event) => setAdding(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                add();
              }
            }}
          />
          <button type="button" onClick={add} disabled={!adding.trim()}>
            Add
          </button>
        </div>
        {(addError || problems.fields.non_synced_mimetypes) && (
          <p className="error field-error" role="alert">
            {problems.fields.non_synced_mimetypes ?? addError}
          </p>
        )}
      </fieldset>
      <div className="settings-grid">
        <NumberField
          label="Attempts of an operation"
          min={1}
          max={50}
          value={numbers.max_attempts}
          onChange={setNumber("max_attempts")}
          hint={`1 to 50; environment: ${defaults.max_attempts}`}
          error={problems.fields.max_attempts}
        />
        <NumberField
          label="Attempts of a reverse-sync or move"
          min={1}
          max={50}
          value={numbers.max_attempts_reverse}
          onChange={setNumber("max_attempts_reverse")}
          hint={`They can block others: fewer gives up sooner; environment: ${defaults.max_attempts_reverse}`}
          error={problems.fields.max_attempts_reverse}
        />
        <NumberField
          label="Keep sync logs (days)"
          min={3}
          value={numbers.log_days}
          onChange={setNumber("log_days")}
          hint={`At least 3; environment: ${defaults.log_days}`}
          error={problems.fields.log_days}
        />
        <NumberField
          label="Lines in a log export"
          min={1}
          value={numbers.log_export_lines}
          onChange={setNumber("log_export_lines")}
          hint={`Newest first; environment: ${defaults.log_export_lines}`}
          error={problems.fields.log_export_lines}
        />
      </div>
    </SettingsSection>
  );
}

function syncNumbers(settings: InstallationSettings) {
  return {
    max_attempts: String(settings.max_attempts),
    max_attempts_reverse: String(settings.max_attempts_reverse),
    log_days: String(settings.log_days),
    log_export_lines: String(settings.log_export_lines),
  };
}

const minutes = (seconds: number) => String(Math.round((seconds / 60) * 100) / 100);
const SCHEDULE_FIELDS = ["prepare_interval_seconds", "sync_interval_seconds"] as const;

function SchedulesSection({ settings }: { settings: InstallationSettings }) {
  const [prepare, setPrepare] = useState(minutes(settings.prepare_interval_seconds));
  const [sync, setSync] = useState(minutes(settings.sync_interval_seconds));
  const { problems, save } = useSave(SCHEDULE_FIELDS);
  const dirty = prepare !== minutes(settings.prepare_interval_seconds) || sync !== minutes(settings.sync_interval_seconds);
  return (
    <SettingsSection
      title="Schedules"
      description="How often the server runs its jobs (archivist serve); a change applies within half a minute, without a restart. 0 turns a job off."
      dirty={dirty}
      problems={problems}
      onSave={() =>
        save({
          prepare_interval_seconds: Math.round(Number(prepare) * 60),
          sync_interval_seconds: Math.round(Number(sync) * 60),
        })
      }
    >
      <div className="settings-grid">
        <NumberField
          label="Prepare folders every (minutes)"
          min={0}
          step="any"
          value={prepare}
          onChange={setPrepare}
          hint={`Then expired shares are archived; environment: ${minutes(settings.defaults.prepare_interval_seconds)}`}
          error={problems.fields.prepare_interval_seconds}
        />
        <NumberField
          label="Sync every (minutes)"
          min={0}
          step="any"
          value={sync}
          onChange={setSync}
          hint={`Each active cloud connection: “Prepare sync queue”, then “Run sync queue”; environment: ${minutes(settings.defaults.sync_interval_seconds)}`}
          error={problems.fields.sync_interval_seconds}
        />
      </div>
    </SettingsSection>
  );
}
