/** What the connection form's folder and rule pickers offer: search answers as picker options. */

import { searchFolders } from "../../api/documents";
import * as sync from "../../api/sync";
import type { FolderList } from "../../api/types";
import type { PickerOption } from "../../components/DirectoryPicker";

/** The first matches of a folder search, each with the path of its parents (names repeat). */
export function folderOptions(list: FolderList, limit = 50): PickerOption[] {
  const byId = new Map(list.results.map((folder) => [folder.id, folder]));
  const matches = new Set(list.matches);
  return list.results
    .filter((folder) => matches.has(folder.id))
    .slice(0, limit)
    .map((folder) => {
      const path: string[] = [];
      for (let parent = folder.parent; parent !== null; ) {
        const above = byId.get(parent);
        if (!above || path.length > 50) break;
        path.unshift(above.name);
        parent = above.parent;
      }
      return { id: folder.id, label: folder.name, detail: path.length ? `in ${path.join(" / ")}` : "at the top" };
    });
}

export const ruleOption = (rule: sync.RuleChoice): PickerOption => ({
  id: rule.id,
  label: rule.name,
  detail: `${rule.model} · ${rule.source}`,
});

export const searchFolderOptions = async (text: string) => folderOptions(await searchFolders(text));
export const searchRuleOptions = async (text: string) => (await sync.rules(text)).map(ruleOption);
