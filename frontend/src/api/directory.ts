/**
 * The people and groups directory (`/api/directory/…`, File Manager Access or Administration):
 * who a folder's extra security or a connection's subscribers can name. Searched by part of a
 * name, or read back by ids; 50 rows at most, people by username and groups by name.
 */

import { api } from "./client";

export interface Person {
  id: number;
  username: string;
  /** The full name, or the username when the person has none. */
  name: string;
  email: string;
}

export interface GroupRef {
  id: number;
  name: string;
}

export interface DirectoryQuery {
  search?: string;
  ids?: readonly number[];
}

export const people = (query: DirectoryQuery) => api.get<Person[]>("/api/directory/people/", { ...query });
export const groups = (query: DirectoryQuery) => api.get<GroupRef[]>("/api/directory/groups/", { ...query });
