/** The Settings page's "Mass actions": which actions the file manager offers, in which order,
 * and to which groups (none chosen: every file manager user). Saved together with one Save. */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import * as settingsApi from "../../api/settings";
import type { GroupRef, MassActionSetting } from "../../api/settings";
import { NO_PROBLEMS, problemsOf, SettingsSection, type Problems } from "./fields";

interface Draft {
  id: number;
  name: string;
  kind: string;
  active: boolean;
  groups: number[];
}

const draftOf = (action: MassActionSetting): Draft => ({
  id: action.id,
  name: action.name,
  kind: action.kind,
  active: action.active,
  groups: action.groups.map((group) => group.id).sort((a, b) => a - b),
});

export function MassActionsSection() {
  const client = useQueryClient();
  const actions = useQuery({ queryKey: ["settings", "mass-actions"], queryFn: settingsApi.massActionSettings });
  const groups = useQuery({ queryKey: ["settings", "groups"], queryFn: settingsApi.groups });
  const saved = useMemo(() => (actions.data ?? []).map(draftOf), [actions.data]);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  useEffect(() => setDrafts(saved), [saved]);

  const dirty = JSON.stringify(drafts) !== JSON.stringify(saved);
  const change = (id: number, changes: Partial<Draft>) =>
    setDrafts((current) => current.map((draft) => (draft.id === id ? { ...draft, ...changes } : draft)));
  const move = (index: number, by: -1 | 1) =>
    setDrafts((current) => {
      const next = [...current];
      const [moved] = next.splice(index, 1);
      next.splice(index + by, 0, moved!);
      return next;
    });

  const save = async () => {
    setProblems(NO_PROBLEMS);
    setRowErrors({});
    const before = new Map(saved.map((draft, index) => [draft.id, { draft, index }]));
    const failures: Record<number, string> = {};
    for (const [index, draft] of drafts.entries()) {
      const old = before.get(draft.id);
      const changes: settingsApi.MassActionChanges = {};
      if (!old || old.index !== index) changes.sequence = (index + 1) * 10;
      if (old?.draft.active !== draft.active) changes.active = draft.active;
      if (JSON.stringify(old?.draft.groups) !== JSON.stringify(draft.groups)) changes.groups = draft.groups;
      if (Object.keys(changes).length === 0) continue;
      try {
        await settingsApi.updateMassAction(draft.id, changes);
      } catch (error) {
        const found = problemsOf(error, ["active", "sequence", "groups"]);
        failures[draft.id] = Object.values(found.fields).join(" ") || found.general || "not saved";
      }
    }
    await client.invalidateQueries({ queryKey: ["settings", "mass-actions"] });
    void client.invalidateQueries({ queryKey: ["mass-actions"] });
    setRowErrors(failures);
    if (Object.keys(failures).length) {
      setProblems({ fields: {}, general: "Some mass actions were not saved: see their rows." });
      throw new Error("not saved");
    }
  };

  return (
    <SettingsSection
      title="Mass actions"
      description="What the file manager offers on a selection, in this order. Administrators always see every action that is on."
      dirty={dirty}
      problems={actions.isError ? { fields: {}, general: actions.error.message } : problems}
      onSave={save}
    >
      {actions.isPending && <p>Loading…</p>}
      <ol className="mass-action-list">
        {drafts.map((draft, index) => (
          <li key={draft.id} className={draft.active ? "mass-action" : "mass-action off"}>
            <div className="mass-action-head">
              <label className="inline">
                <input
                  type="checkbox"
                  checked={draft.active}
                  onChange={(event) => change(draft.id, { active: event.target.checked })}
                />
                <span className="mass-action-name">{draft.name}</span>
              </label>
              {draft.kind.replace("_", " ") !== draft.name.toLowerCase() && (
                <span className="note">{draft.kind.replace("_", " ")}</span>
              )}
              <span className="mass-action-move">
                <button
                  type="button"
                  className="icon"
                  aria-label={`Move ${draft.name} up`}
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Move ${draft.name} down`}
                  disabled={index === drafts.length - 1}
                  onClick={() => move(index, 1)}
                >
                  ↓
                </button>
              </span>
            </div>
            <GroupPicker
              action={draft.name}
              all={groups.data ?? []}
              chosen={draft.groups}
              onChange={(chosen) => change(draft.id, { groups: chosen })}
            />
            {rowErrors[draft.id] && (
              <p className="error field-error" role="alert">
                {rowErrors[draft.id]}
              </p>
            )}
          </li>
        ))}
      </ol>
      {groups.isError && (
        <p className="error" role="alert">
          Groups: {groups.error.message}
        </p>
      )}
    </SettingsSection>
  );
}

/** The groups that see an action: a disclosure with one checkbox per group. */
function GroupPicker(props: {
  action: string;
  all: GroupRef[];
  chosen: number[];
  onChange: (chosen: number[]) => void;
}) {
  const names = props.all.filter((group) => props.chosen.includes(group.id)).map((group) => group.name);
  return (
    <details className="group-picker">
      <summary>
        Groups: {names.length ? names.join(", ") : "every file manager user"}
      </summary>
      <fieldset className="checklist">
        <legend>Who sees {props.action}</legend>
        {props.all.map((group) => (
          <label key={group.id}>
            <input
              type="checkbox"
              checked={props.chosen.includes(group.id)}
              onChange={(event) =>
                props.onChange(
                  event.target.checked
                    ? [...props.chosen, group.id].sort((a, b) => a - b)
                    : props.chosen.filter((id) => id !== group.id),
                )
              }
            />
            {group.name}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
