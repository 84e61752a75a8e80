/**
 * A folder's settings. Automatic folders show what they are (their rule is changed in the back
 * office); manual folders the user may manage edit their name, notes and extra security — the
 * users and groups who alone may read the folder among its parent's readers (spec "Access
 * Rights"), saved together in one `PATCH /api/folders/<id>/`.
 */

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError } from "../../api/client";
import * as directory from "../../api/directory";
import * as documents from "../../api/documents";
import type { FolderDetail } from "../../api/types";
import { Dialog } from "../../components/Dialog";
import { DirectoryPicker, type PickerOption } from "../../components/DirectoryPicker";
import { groupOption, personOption, searchGroups, searchPeople } from "../../components/directorySearch";
import { useUser } from "../../app/session";

const FIELDS = ["name", "notes", "users", "groups"] as const;
type Field = (typeof FIELDS)[number];

export function FolderSettingsDialog({
  folder,
  onSaved,
  onClose,
}: {
  folder: FolderDetail;
  onSaved: () => void;
  onClose: () => void;
}) {
  const automatic = folder.kind === "rule" || folder.kind === "record";
  return (
    <Dialog title={`Settings: ${folder.name}`} onClose={onClose}>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{folder.kind} folder</dd>
        {folder.record && (
          <>
            <dt>Record</dt>
            <dd>
              {folder.record.source} · {folder.record.model} · {String(folder.record.id)}
            </dd>
          </>
        )}
      </dl>
      {automatic || !folder.can_manage ? (
        <p className="note">
          {automatic
            ? "Automatic folders follow their folder rule: change the rule in the back office."
            : "You may not change this folder."}
        </p>
      ) : (
        <ManualFolderForm folder={folder} onSaved={onSaved} onClose={onClose} />
      )}
    </Dialog>
  );
}

function ManualFolderForm({ folder, onSaved, onClose }: { folder: FolderDetail; onSaved: () => void; onClose: () => void }) {
  const me = useUser();
  const security = folder.security;
  const [users, setUsers] = useState<PickerOption[]>(
    () => security?.users.map((user) => ({ id: user.id, label: user.username })) ?? [],
  );
  const [groups, setGroups] = useState<PickerOption[]>(
    () => security?.groups.map((group) => groupOption(group)) ?? [],
  );
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // the folder names its users by username: read their full names back from the directory
  const userIds = security?.users.map((user) => user.id) ?? [];
  const named = useQuery({
    queryKey: ["directory", "people", userIds],
    queryFn: () => directory.people({ ids: userIds }),
    enabled: userIds.length > 0,
    staleTime: 60_000,
  });
  useEffect(() => {
    if (!named.data) return;
    const byId = new Map(named.data.map((person) => [person.id, personOption(person)]));
    setUsers((current) => current.map((user) => byId.get(user.id) ?? user));
  }, [named.data]);

  async function submit(form: FormData) {
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await documents.updateFolder(folder.id, {
        name: String(form.get("name") ?? ""),
        notes: String(form.get("notes") ?? ""),
        users: users.map((user) => user.id),
        groups: groups.map((group) => group.id),
      });
      onSaved();
      onClose();
    } catch (error) {
      const found = error instanceof ApiError ? fieldErrors(error.body) : {};
      setErrors(found);
      setFailure(
        Object.keys(found).length ? "Not saved: see the fields marked below." : error instanceof Error ? error.message : String(error),
      );
    } finally {
      setBusy(false);
    }
  }

  const restricted = users.length > 0 || groups.length > 0;
  const locksMeOut = restricted && !me.administrator && !users.some((user) => user.id === me.id);
  const describe = (field: Field, help?: string) =>
    [help, errors[field] && `folder-${field}-error`].filter(Boolean).join(" ") || undefined;
  const error = (field: Field) =>
    errors[field] && (
      <span id={`folder-${field}-error`} className="error field-error">
        {errors[field]}
      </span>
    );

  return (
    <form
      className="form folder-settings"
      aria-label="Folder settings"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(new FormData(event.currentTarget));
      }}
    >
      <label>
        Name
        <input
          name="name"
          defaultValue={folder.name}
          required
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={describe("name")}
        />
      </label>
      {error("name")}
      <label>
        Notes
        <textarea
          name="notes"
          defaultValue={folder.notes ?? ""}
          rows={3}
          aria-invalid={errors.notes ? true : undefined}
          aria-describedby={describe("notes")}
        />
      </label>
      {error("notes")}
      <fieldset className="picker-group" aria-describedby="folder-security-help">
        <legend>Who may see it</legend>
        <div className="picker-field">
          <label htmlFor="folder-users">Users</label>
          <DirectoryPicker
            id="folder-users"
            label="Users"
            value={users}
            onChange={setUsers}
            search={searchPeople}
            placeholder="Search people by name, username or email"
            invalid={Boolean(errors.users)}
            describedBy={describe("users")}
          />
          {error("users")}
        </div>
        <div className="picker-field">
          <label htmlFor="folder-groups">Groups</label>
          <DirectoryPicker
            id="folder-groups"
            label="Groups"
            value={groups}
            onChange={setGroups}
            search={searchGroups}
            placeholder="Search groups by name"
            invalid={Boolean(errors.groups)}
            describedBy={describe("groups")}
          />
          {error("groups")}
        </div>
        <small id="folder-security-help" className="note">
          None chosen: everyone who may read the parent folder sees it (at the top: everyone). Chosen: only
          they, among the parent's readers.
        </small>
        {locksMeOut && (
          <small className="picker-warning" role="note">
            You are not among the users: unless one of the groups holds you, you will no longer see this folder.
          </small>
        )}
      </fieldset>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      <div className="buttons">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}

/** The API's refusal by field of this form (`{"users": ["Invalid pk …"]}`); others stay general. */
function fieldErrors(body: unknown): Partial<Record<Field, string>> {
  const found: Partial<Record<Field, string>> = {};
  if (!body || typeof body !== "object") return found;
  for (const field of FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== null) found[field] = String(first);
  }
  return found;
}
