/**
 * The file manager (spec "Files Manager Interface"): folders, tags and shares on the left,
 * the attachments they select in the centre, the selection and its mass actions on the right.
 * Right-click menus, dialogs and drag and drop are wired here; the pieces live next door.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type ReactNode } from "react";
import * as documents from "../../api/documents";
import type { Attachment, MassAction } from "../../api/types";
import { ConfirmDialog } from "../../components/Dialog";
import { Icon } from "../../components/icons";
import { ContextMenu, type MenuState } from "../../components/ContextMenu";
import {
  NO_FILTERS,
  SEARCH_FIELDS,
  attachmentQuery,
  toggleIn,
  withCriterion,
  type Filters,
  type SearchField,
} from "../../lib/filters";
import * as selections from "../../lib/selection";
import { foldersFromParam } from "../records/format";
import { RecordTrail } from "../records/RecordTrail";
import { AttachmentGrid } from "./AttachmentGrid";
import {
  AddUrlDialog,
  DetailsDialog,
  PickFolderDialog,
  PickTagsDialog,
  PreviewDialog,
  ShareDialog,
  SlideshowDialog,
} from "./dialogs";
import { useTreeMenus } from "./menus";
import { SelectionPanel } from "./SelectionPanel";
import { ATTACHMENTS_TYPE, FOLDER_TYPE, FolderPanel, SharePanel, TAG_TYPE, TagPanel } from "./TreePanels";
import { UploadList, useUploads } from "./uploads";
import { useUser } from "../../app/session";

interface Toast {
  key: number;
  text: string;
  error: boolean;
}

let toastKey = 1;

/** "Select all found" stops here: a selection is kept in the page, and the ZIP download refuses
 * more than ARCHIVIST_ZIP_MAX_FILES (10,000 by default) anyway. */
const SELECT_ALL_LIMIT = 10_000;

export function FileManager() {
  const client = useQueryClient();
  const user = useUser(); // tags and sharing can be turned off in Settings
  // `/files?folder=<id>` (an attachment box's "Open in File Manager", a shared link) opens on
  // that folder: selected, its branch opened and scrolled to, the "Upload to" target.
  const [linked] = useState(() => foldersFromParam(new URLSearchParams(window.location.search).get("folder"))[0]);
  const [filters, setFilters] = useState<Filters>(() => ({
    ...NO_FILTERS,
    folders: linked === undefined ? [] : [linked],
  }));
  const [selection, setSelection] = useState<selections.Selection>(() => selections.load());
  const [chosenTarget, setChosenTarget] = useState<{ id: number; name: string } | null>(null);
  const [folderVersion, setFolderVersion] = useState(0);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => selections.save(selection), [selection]);

  const defaultFolder = useQuery({ queryKey: ["folders", "default"], queryFn: documents.defaultFolder });
  // The spec's folder "Upload to …" targets: while searching folders, the first one shown;
  // otherwise the last one chosen; at first the API's default. Always one the user may write.
  const [searchTarget, setSearchTarget] = useState<{ id: number; name: string } | null>(null);
  const target =
    searchTarget ??
    chosenTarget ??
    (defaultFolder.data ? { id: defaultFolder.data.id, name: defaultFolder.data.name } : null);
  const onFirstVisible = useCallback(
    (folder: { id: number } | null) => {
      if (!folder) {
        setSearchTarget(null);
        return;
      }
      client
        .fetchQuery({ queryKey: ["folder", folder.id], queryFn: () => documents.folder(folder.id) })
        .then((detail) => setSearchTarget(detail.can_write ? { id: detail.id, name: detail.name } : null))
        .catch(() => setSearchTarget(null)); // gone meanwhile: the other targets apply
    },
    [client],
  );

  const [reveal, setReveal] = useState<{ id: number; path: readonly number[] } | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  useEffect(() => {
    if (linked === undefined) return;
    let cancelled = false;
    client
      .fetchQuery({ queryKey: ["folder", linked], queryFn: () => documents.folder(linked) })
      .then((detail) => {
        if (cancelled) return;
        setReveal({ id: detail.id, path: detail.path });
        if (detail.can_write) setChosenTarget({ id: detail.id, name: detail.name });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        // A folder the user may not read (or that is gone): said plainly, nothing selected.
        setFilters((current) => ({ ...current, folders: current.folders.filter((id) => id !== linked) }));
        setLinkError(`The linked folder cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
      });
    return () => {
      cancelled = true;
    };
  }, [client, linked]);

  const notify = useCallback((text: string, error = false) => {
    const key = toastKey++;
    setToasts((current) => [...current.slice(-3), { key, text, error }]);
    setTimeout(() => setToasts((current) => current.filter((toast) => toast.key !== key)), error ? 8000 : 4000);
  }, []);
  const refreshAttachments = useCallback(() => client.invalidateQueries({ queryKey: ["attachments"] }), [client]);
  const refreshFolders = useCallback(() => {
    setFolderVersion((version) => version + 1);
    void client.invalidateQueries({ queryKey: ["folders"] });
    void client.invalidateQueries({ queryKey: ["folder"] });
  }, [client]);
  /** Runs an action, then says what happened (or what the API refused). */
  const attempt = useCallback(
    async (action: () => Promise<unknown>, done: string) => {
      setBusy(true);
      try {
        await action();
        notify(done);
      } catch (error) {
        notify(error instanceof Error ? error.message : String(error), true);
      } finally {
        setBusy(false);
      }
    },
    [notify],
  );

  const uploads = useUploads(useCallback(() => void refreshAttachments(), [refreshAttachments]));
  const query = useMemo(() => attachmentQuery(filters), [filters]);
  const closeDialog = useCallback(() => setDialog(null), []);

  const menus = useTreeMenus({
    setMenu,
    setDialog,
    closeDialog,
    attempt,
    refreshFolders,
    refreshAttachments,
    refreshTags: () => void client.invalidateQueries({ queryKey: ["tags"] }),
    refreshShares: () => void client.invalidateQueries({ queryKey: ["shares"] }),
    forgetFolder: (id) => setFilters((current) => ({ ...current, folders: current.folders.filter((f) => f !== id) })),
    client,
  });

  const selectFolder = async (id: number) => {
    const nowSelected = !filters.folders.includes(id);
    setFilters((current) => ({ ...current, folders: toggleIn(current.folders, id) }));
    if (!nowSelected) return;
    // The last chosen folder becomes the upload target, when the user may write it.
    const detail = await client.fetchQuery({ queryKey: ["folder", id], queryFn: () => documents.folder(id) });
    if (detail.can_write) {
      setChosenTarget({ id: detail.id, name: detail.name });
      setSearchTarget(null);
      void documents.rememberFolder(detail.id);
    }
  };

  const draggedIds = (data: DataTransfer): number[] => {
    try {
      const ids = JSON.parse(data.getData(ATTACHMENTS_TYPE)) as unknown;
      return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === "number") : [];
    } catch {
      return []; // not ours
    }
  };
  const carries = (type: string) => (types: readonly string[]) => types.includes(type);

  const onFolderDrop = (folderId: number, folderName: string, data: DataTransfer) => {
    const moved = Number(data.getData(FOLDER_TYPE));
    if (moved) {
      if (moved === folderId) return;
      void attempt(async () => {
        await documents.moveFolder(moved, folderId);
        refreshFolders();
      }, `Folder moved into ${folderName}`);
      return;
    }
    const ids = draggedIds(data);
    if (!ids.length) return;
    void attempt(async () => {
      await documents.bulk(ids, { move: folderId });
      await refreshAttachments();
    }, `${ids.length} attachment(s) moved to ${folderName}`);
  };

  /** A tag dragged onto another tag goes inside it (the API refuses a tag inside itself). */
  const moveTag = (tag: number, parent: number | null, where: string) => {
    if (!tag) return;
    void attempt(async () => {
      await documents.updateTag(tag, { parent });
      await client.invalidateQueries({ queryKey: ["tags"] });
    }, `Tag moved into ${where}`);
  };

  const runAction = (action: MassAction) => {
    const ids = [...selection.keys()];
    const after = async () => {
      await refreshAttachments();
    };
    switch (action.kind) {
      case "download":
        void attempt(() => documents.downloadSelection(ids), "Download started");
        return;
      case "update_folder":
        setDialog(
          <PickFolderDialog
            title={`Move ${ids.length} attachment(s)`}
            onPick={async (folder) => {
              await documents.runMassAction(action.id, ids, { folder });
              await after();
              notify("Folder updated");
            }}
            onClose={closeDialog}
          />,
        );
        return;
      case "update_tags":
        setDialog(
          <PickTagsDialog
            onPick={async (add, remove) => {
              await documents.runMassAction(action.id, ids, { add_tags: add, remove_tags: remove });
              await after();
              notify("Tags updated");
            }}
            onClose={closeDialog}
          />,
        );
        return;
      case "slideshow":
        setDialog(
          <SlideshowDialog
            ids={ids}
            names={new Map([...selection.values()].map((item) => [item.id, item.name]))}
            onClose={closeDialog}
          />,
        );
        return;
      case "share":
        setDialog(
          <ShareDialog
            ids={ids}
            onDone={() => {
              void client.invalidateQueries({ queryKey: ["shares"] });
              notify("Shared");
            }}
            onClose={closeDialog}
          />,
        );
        return;
      case "delete":
        setDialog(
          <ConfirmDialog
            title="Delete attachments"
            message={`Delete ${ids.length} attachment(s)? This cannot be undone here.`}
            confirmLabel="Delete"
            onConfirm={async () => {
              await documents.runMassAction(action.id, ids);
              setSelection((current) => selections.without(current, ids));
              await after();
              notify(`${ids.length} attachment(s) deleted`);
            }}
            onClose={closeDialog}
          />,
        );
        return;
      case "custom":
        void attempt(async () => {
          await documents.runMassAction(action.id, ids);
          await after();
        }, `${action.name}: done`);
    }
  };

  const selectAllFound = async () => {
    setBusy(true);
    try {
      let cursor: string | null = null;
      let found: Attachment[] = [];
      do {
        const page = await documents.attachments(query, cursor, 500);
        found = found.concat(page.results);
        cursor = page.next_cursor;
      } while (cursor && found.length < SELECT_ALL_LIMIT);
      setSelection((current) => selections.addAll(current, found));
      notify(
        cursor
          ? `The first ${found.length.toLocaleString()} found attachments are selected (narrow the filters for more)`
          : `${found.length.toLocaleString()} found attachment(s) selected`,
      );
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), true);
    } finally {
      setBusy(false);
    }
  };

  const onCardDrag = (attachment: Attachment, event: DragEvent) => {
    event.dataTransfer.setData(ATTACHMENTS_TYPE, JSON.stringify(selections.dragged(selection, attachment.id)));
    event.dataTransfer.effectAllowed = "copyMove";
  };

  return (
    <div className="file-manager">
      <nav className="left-panel" aria-label="Folders, tags and shares">
        <div className="upload-bar">
          <button
            type="button"
            className="primary upload-button"
            disabled={!target}
            onClick={() => fileInput.current?.click()}
            title={target ? undefined : "No folder you may upload to"}
          >
            Upload to {target?.name ?? "…"}
          </button>
          <button
            type="button"
            className="icon"
            aria-label="Add URL"
            title="Add URL"
            disabled={!target}
            onClick={() =>
              target &&
              setDialog(<AddUrlDialog folder={target} onAdded={() => void refreshAttachments()} onClose={closeDialog} />)
            }
          >
            <Icon name="link" />+
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            aria-label="Files to upload"
            onChange={(event) => {
              if (target && event.target.files?.length) uploads.start([...event.target.files], target);
              event.target.value = "";
            }}
          />
        </div>
        <FolderPanel
          selected={filters.folders}
          current={target?.id ?? null}
          reveal={reveal}
          version={folderVersion}
          onFirstVisible={onFirstVisible}
          onSelect={(node) => void selectFolder(node.id)}
          onReset={() => setFilters((current) => ({ ...current, folders: [] }))}
          onMenu={menus.folderMenu}
          onCreate={menus.createRootFolder}
          accepts={(types) => types.includes(ATTACHMENTS_TYPE) || types.includes(FOLDER_TYPE)}
          onDrop={(node, data) => onFolderDrop(node.id, node.name, data)}
          onRootDrop={(data) => {
            const moved = Number(data.getData(FOLDER_TYPE));
            if (!moved) return;
            void attempt(async () => {
              await documents.moveFolder(moved, null);
              refreshFolders();
            }, "Folder moved to the top");
          }}
        />
        {user.tags_enabled && (
          <TagPanel
            selected={filters.tags}
            onSelect={(node) => setFilters((current) => ({ ...current, tags: toggleIn(current.tags, node.id) }))}
            onReset={() => setFilters((current) => ({ ...current, tags: [] }))}
            onMenu={menus.tagMenu}
            onCreate={() => menus.createTag(null)}
            accepts={(types) => types.includes(ATTACHMENTS_TYPE) || types.includes(TAG_TYPE)}
            onRootDrop={(data) => moveTag(Number(data.getData(TAG_TYPE)), null, "the top")}
            onDrop={(node, data) => {
              const tag = Number(data.getData(TAG_TYPE));
              if (tag) {
                if (tag !== node.id) moveTag(tag, node.id, node.name);
                return;
              }
              const ids = draggedIds(data);
              if (!ids.length) return;
              void attempt(async () => {
                await documents.bulk(ids, { add_tags: [node.id] });
                await refreshAttachments();
              }, `Tag ${node.name} added to ${ids.length} attachment(s)`);
            }}
          />
        )}
        {user.sharing_enabled && (
          <SharePanel
            selected={filters.shares}
            onSelect={(node) => setFilters((current) => ({ ...current, shares: toggleIn(current.shares, node.id) }))}
            onReset={() => setFilters((current) => ({ ...current, shares: [] }))}
            onMenu={menus.shareMenu}
            onCreate={() => menus.createShare(null)}
            accepts={carries(ATTACHMENTS_TYPE)}
            onDrop={(node, data) => {
              const ids = draggedIds(data);
              if (!ids.length) return;
              void attempt(async () => {
                await documents.addToShare(ids, { share: node.id });
                await refreshAttachments();
              }, `${ids.length} attachment(s) added to ${node.name}`);
            }}
          />
        )}
      </nav>

      <section className="centre" aria-label="Attachments">
        <RecordTrail />
        {linkError && (
          <p className="error link-error" role="alert">
            {linkError}{" "}
            <button type="button" className="link" onClick={() => setLinkError(null)}>
              Dismiss
            </button>
          </p>
        )}
        <SearchBar tags={user.tags_enabled} filters={filters} onChange={setFilters} onSelectAll={() => void selectAllFound()} busy={busy} />
        <UploadList items={uploads.items} onClear={uploads.clearFinished} />
        <AttachmentGrid
          query={query}
          selection={selection}
          onToggle={(attachment) => setSelection((current) => selections.toggle(current, attachment))}
          onPreview={(attachment) => setDialog(<PreviewDialog attachment={attachment} onClose={closeDialog} />)}
          onDetails={(attachment) =>
            setDialog(
              <DetailsDialog
                attachment={attachment}
                onSaved={() => {
                  void refreshAttachments();
                  notify("Saved");
                }}
                onClose={closeDialog}
              />,
            )
          }
          onDragStart={onCardDrag}
          onFilesDropped={(files) => target && uploads.start(files, target)}
          uploadTarget={target?.name ?? null}
        />
      </section>

      <SelectionPanel
        selection={selection}
        onDeselect={(id) => setSelection((current) => selections.without(current, [id]))}
        onReset={() => setSelection(selections.EMPTY)}
        onAction={runAction}
        busy={busy}
      />

      {menu && <ContextMenu menu={menu} onClose={() => setMenu(null)} />}
      {dialog}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <p key={toast.key} className={toast.error ? "toast error" : "toast"}>
            {toast.text}
          </p>
        ))}
      </div>
    </div>
  );
}

function SearchBar(props: {
  tags: boolean;
  filters: Filters;
  onChange: (filters: Filters) => void;
  onSelectAll: () => void;
  busy: boolean;
}) {
  const [field, setField] = useState<SearchField>("name");
  const [text, setText] = useState("");
  const { filters, onChange } = props;
  return (
    <div className="search-bar">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          onChange({ ...filters, search: withCriterion(filters.search, { field, text }) });
          setText("");
        }}
      >
        <select aria-label="Search in" value={field} onChange={(event) => setField(event.target.value as SearchField)}>
          {SEARCH_FIELDS.filter((option) => props.tags || option.field !== "tag").map((option) => (
            <option key={option.field} value={option.field}>
              {option.label}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Search attachments"
          placeholder="Search attachments"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      {filters.search.map((criterion) => (
        <span key={criterion.field} className="criterion">
          {SEARCH_FIELDS.find((option) => option.field === criterion.field)?.label}: {criterion.text}
          <button
            type="button"
            className="icon"
            aria-label={`Remove search on ${criterion.field}`}
            onClick={() => onChange({ ...filters, search: filters.search.filter((c) => c.field !== criterion.field) })}
          >
            ×
          </button>
        </span>
      ))}
      <label className="inline">
        <input
          type="checkbox"
          checked={filters.subfolders}
          onChange={(event) => onChange({ ...filters, subfolders: event.target.checked })}
        />
        with subfolders
      </label>
      <select
        aria-label="Order"
        value={filters.order}
        onChange={(event) => onChange({ ...filters, order: event.target.value as Filters["order"] })}
      >
        <option value="name">Name A–Z</option>
        <option value="-name">Name Z–A</option>
        <option value="-created">Newest first</option>
        <option value="created">Oldest first</option>
        <option value="-size">Largest first</option>
        <option value="size">Smallest first</option>
      </select>
      <button type="button" onClick={props.onSelectAll} disabled={props.busy}>
        Select all found
      </button>
    </div>
  );
}
