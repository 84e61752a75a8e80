/** The Settings page's endpoints (docs/api.md, "Settings"); Administration only. */

import { api } from "./client";

export interface SettingsValues {
  tags_enabled: boolean;
  sharing_enabled: boolean;
  non_synced_mimetypes: string[];
  max_attempts: number;
  max_attempts_reverse: number;
  log_days: number;
  log_export_lines: number;
  prepare_interval_seconds: number;
  sync_interval_seconds: number;
}

export interface InstallationSettings extends SettingsValues {
  builtin_non_synced_mimetypes: string[];
  /** The environment's values, in force for every field nobody saved. */
  defaults: SettingsValues;
  /** The fields an administrator saved. */
  saved: (keyof SettingsValues)[];
}

/** A PATCH: only the fields sent change; null goes back to the environment's value. */
export type SettingsChanges = { [K in keyof SettingsValues]?: SettingsValues[K] | null };

export interface GroupRef {
  id: number;
  name: string;
}

export interface MassActionSetting {
  id: number;
  name: string;
  kind: string;
  active: boolean;
  sequence: number;
  groups: GroupRef[];
}

export interface MassActionChanges {
  active?: boolean;
  sequence?: number;
  /** Group ids or names; empty: every file manager user. */
  groups?: (number | string)[];
}

export const installationSettings = () => api.get<InstallationSettings>("/api/settings/");
export const updateSettings = (changes: SettingsChanges) =>
  api.patch<InstallationSettings>("/api/settings/", changes);
export const massActionSettings = () => api.get<MassActionSetting[]>("/api/settings/mass-actions/");
export const updateMassAction = (id: number, changes: MassActionChanges) =>
  api.patch<MassActionSetting>(`/api/settings/mass-actions/${id}/`, changes);
export const groups = () => api.get<GroupRef[]>("/api/settings/groups/");
