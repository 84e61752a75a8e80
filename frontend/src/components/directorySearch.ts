/** What the pickers of people and groups ask the directory, as picker options. */

import * as directory from "../api/directory";
import type { PickerOption } from "./DirectoryPicker";

export const personOption = (person: directory.Person): PickerOption => ({
  id: person.id,
  label: person.name,
  detail: person.email ? `${person.username} · ${person.email}` : person.username,
});

export const groupOption = (group: directory.GroupRef): PickerOption => ({ id: group.id, label: group.name });

export const searchPeople = async (text: string) => (await directory.people({ search: text })).map(personOption);
export const searchGroups = async (text: string) => (await directory.groups({ search: text })).map(groupOption);
