/**
 * A record's attachment box (spec "Attachment box"): the record's folder and the parts of its
 * subtree the user may read, as a tree with a folder search; the attachments of the selected
 * folder (the record's own folder at first) as cards (`components/AttachmentCard`) with preview,
 * download, open in cloud and delete; "Open in Cloud" for the record's folder when it is synced;
 * upload by button or drop into the selected folder, each file with its progress; add URL. The
 * folders' right-click menus are the file manager's (download as archive, create subfolder,
 * rename, settings, archive — as the API allows) plus "Open in File Manager".
 */

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { useNavigate } from "react-router";
import * as documents from "../../api/documents";
import { deleteAttachment, fileManagerPath, recordBox } from "../../api/records";
import type { Attachment, FolderNode, RecordRef } from "../../api/types";
import { useUser } from "../../app/session";
import { AttachmentCard } from "../../components/AttachmentCard";
import { ContextMenu, type MenuState } from "../../components/ContextMenu";
import { ConfirmDialog } from "../../components/Dialog";
import { FOLDER_COLOURS, Icon } from "../../components/icons";
import { Tree } from "../../components/Tree";
import { indexOf, restrictTo, searchLocally, visibleRows } from "../../lib/tree";
import { AddUrlDialog, PreviewDialog } from "../files/dialogs";
import { useTreeMenus } from "../files/menus";
import type { FolderItem } from "../files/TreePanels";
import { UploadList, useUploads } from "../files/uploads";
import "./records.css";

const PAGE = 60;

interface Toast {
  key: number;
  text: string;
  error: boolean;
}

let toastKey = 1;

const folderItem = (folder: FolderNode): FolderItem => ({
  id: folder.id,
  name: folder.name,
  parent: folder.parent,
  hasChildren: folder.has_children,
  folder,
});

export function AttachmentBox({ record, embedded = false }: { record: RecordRef; embedded?: boolean }) {
  const user = useUser();
  const client = useQueryClient();
  const navigate = useNavigate();
  const boxKey = useMemo(
    () => ["box", record.source, record.model, String(record.id)],
    [record.source, record.model, record.id],
  );

  // The folders come with every page of the box; one small page gives the tree.
  const folders = useQuery({ queryKey: [...boxKey, "folders"], queryFn: () => recordBox(record, { limit: 1 }) });
  const top = folders.data?.folder ?? null;
  const [chosen, setChosen] = useState<number | null>(null);
  const [whole, setWhole] = useState(false);
  const nodes = useMemo(() => new Map((folders.data?.folders ?? []).map((f) => [f.id, f])), [folders.data]);
  // A chosen folder that left the box (archived, moved away) gives way to the record's folder.
  const selected = chosen !== null && nodes.has(chosen) ? chosen : (top?.id ?? null);
  const selectedName = selected !== null ? (nodes.get(selected)?.name ?? "") : "";

  const files = useInfiniteQuery({
    queryKey: [...boxKey, "files", whole ? "all" : selected],
    queryFn: ({ pageParam }) =>
      recordBox(record, { folder: whole ? null : selected, cursor: pageParam, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: selected !== null,
  });
  const attachments = files.data?.pages.flatMap((page) => page.attachments) ?? [];

  // What the user may do in the selected folder comes from the API (`can_write`).
  const detail = useQuery({
    queryKey: ["folder", selected],
    queryFn: () => documents.folder(selected!),
    enabled: selected !== null,
  });
  const target = detail.data?.can_write && selected !== null ? { id: selected, name: selectedName } : null;
  // "Open in Cloud" (spec "Attachment box"): the record's folder in the cloud it is synced to.
  const recordFolder = useQuery({
    queryKey: ["folder", top?.id ?? null],
    queryFn: () => documents.folder(top!.id),
    enabled: top !== null,
  });
  const cloud = recordFolder.data?.cloud ?? null;

  const [menu, setMenu] = useState<MenuState | null>(null);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const closeDialog = useCallback(() => setDialog(null), []);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notify = useCallback((text: string, error = false) => {
    const key = toastKey++;
    setToasts((current) => [...current.slice(-3), { key, text, error }]);
    setTimeout(() => setToasts((current) => current.filter((toast) => toast.key !== key)), error ? 8000 : 4000);
  }, []);
  const attempt = useCallback(
    async (action: () => Promise<unknown>, done: string) => {
      try {
        await action();
        if (done) notify(done);
      } catch (error) {
        notify(error instanceof Error ? error.message : String(error), true);
      }
    },
    [notify],
  );
  const refreshFiles = useCallback(() => client.invalidateQueries({ queryKey: [...boxKey, "files"] }), [client, boxKey]);
  const refreshFolders = useCallback(() => {
    void client.invalidateQueries({ queryKey: boxKey });
    void client.invalidateQueries({ queryKey: ["folder"] });
    void client.invalidateQueries({ queryKey: ["folders"] });
  }, [client, boxKey]);

  const uploads = useUploads(useCallback(() => void refreshFiles(), [refreshFiles]));
  const fileInput = useRef<HTMLInputElement>(null);
  const [dropping, setDropping] = useState(false);

  const openInFileManager = (folder: number) => {
    const path = fileManagerPath(folder, record);
    if (embedded) window.open(path, "_blank", "noopener");
    else void navigate(path);
  };

  // The file manager's folder menus, with "Open in File Manager" after "Create subfolder"
  // (for people who have the file manager).
  const menuFolder = useRef<number | null>(null);
  const showMenu = (state: MenuState | null) => {
    const folder = menuFolder.current;
    if (!state || state.items === "loading" || folder === null || !user.file_manager) {
      setMenu(state);
      return;
    }
    const items = [...state.items];
    const at = items.findIndex((item) => item.label === "Create subfolder");
    items.splice(at >= 0 ? at + 1 : 1, 0, { label: "Open in File Manager", run: () => openInFileManager(folder) });
    setMenu({ ...state, items });
  };
  const menus = useTreeMenus({
    setMenu: showMenu,
    setDialog,
    closeDialog,
    attempt,
    refreshFolders,
    refreshAttachments: refreshFiles,
    refreshTags: () => undefined,
    refreshShares: () => undefined,
    forgetFolder: (id) => setChosen((current) => (current === id ? null : current)),
    client,
  });

  // The folder search: matches highlighted, with their parents opened; Reset shows all again.
  const [searchText, setSearchText] = useState("");
  const [search, setSearch] = useState("");
  // null: as at first, the record's folder open (its subfolders are the box's structure).
  const [expanded, setExpanded] = useState<ReadonlySet<number> | null>(null);
  const index = useMemo(() => indexOf((folders.data?.folders ?? []).map(folderItem)), [folders.data]);
  const marks = useMemo(() => searchLocally(index, search), [index, search]);
  const shown = search ? restrictTo(index, marks) : index;
  const opened = expanded ?? new Set(top ? [top.id] : []);
  const open = search ? new Set([...opened, ...marks.parents]) : opened;
  const rows = visibleRows(shown, open);
  const toggle = (id: number) => {
    const next = new Set(opened);
    if (open.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };

  const upload = (list: File[]) => {
    if (target && list.length) uploads.start(list, target);
  };

  if (folders.isPending) return <p className="note box-message">Loading the attachment box…</p>;
  if (folders.isError) {
    return (
      <p className="error box-message" role="alert">
        {folders.error.message}
      </p>
    );
  }

  return (
    <section className={embedded ? "record-box embedded" : "record-box"} aria-label="Attachment box">
      <div className="box-folders">
        <form
          className="box-search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(searchText.trim());
          }}
        >
          <input
            type="search"
            aria-label="Search folders"
            placeholder="Search folders"
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
          />
          <button type="submit">Search</button>
          <button
            type="button"
            onClick={() => {
              setSearchText("");
              setSearch("");
            }}
            disabled={!search && !searchText}
          >
            Reset
          </button>
        </form>
        {search && marks.matches.size === 0 ? (
          <p className="tree-empty">No folder matches “{search}”.</p>
        ) : (
          <Tree
            label="Folders"
            rows={rows}
            selected={new Set(selected !== null ? [selected] : [])}
            marked={new Set()}
            matches={marks.matches}
            searchText={search}
            current={target?.id ?? null}
            maxHeight={360}
            onToggle={toggle}
            onSelect={(node) => {
              setChosen(node.id);
              setWhole(false);
            }}
            onMenu={(node, x, y) => {
              menuFolder.current = node.id;
              menus.folderMenu(node, x, y);
            }}
            icon={(node) => <Icon name="folder" color={FOLDER_COLOURS[node.folder.kind]} />}
          />
        )}
        <p className="note box-hint">Right-click a folder (or press the menu key) for its actions.</p>
      </div>

      <div
        className={dropping ? "box-files dropping" : "box-files"}
        onDragOver={(event) => {
          if (!target || !event.dataTransfer.types.includes("Files")) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setDropping(true);
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
        }}
        onDrop={(event) => {
          if (!target || !event.dataTransfer.types.includes("Files")) return;
          event.preventDefault();
          setDropping(false);
          upload([...event.dataTransfer.files]);
        }}
      >
        <div className="box-toolbar">
          <h2 className="box-title">{whole ? "Every folder of the box" : selectedName}</h2>
          <label className="inline">
            <input type="checkbox" checked={whole} onChange={(event) => setWhole(event.target.checked)} />
            all folders
          </label>
          {target ? (
            <>
              <button type="button" className="primary" onClick={() => fileInput.current?.click()}>
                Attach files
              </button>
              <button
                type="button"
                onClick={() =>
                  setDialog(<AddUrlDialog folder={target} onAdded={() => void refreshFiles()} onClose={closeDialog} />)
                }
              >
                Add URL
              </button>
              <input
                ref={fileInput}
                type="file"
                multiple
                hidden
                aria-label="Files to attach"
                onChange={(event) => {
                  upload([...(event.target.files ?? [])]);
                  event.target.value = "";
                }}
              />
            </>
          ) : (
            detail.isSuccess && <span className="note">You may read this folder but not add to it.</span>
          )}
          {user.file_manager && selected !== null && (
            <button type="button" className="link" onClick={() => openInFileManager(selected)}>
              Open in File Manager
            </button>
          )}
          {cloud?.open && (
            <a
              className="button-link cloud-open"
              href={cloud.open}
              target="_blank"
              rel="noopener noreferrer"
              title={`Open ${top?.name ?? "the record's folder"} in ${cloud.connection} (new tab)`}
            >
              <Icon name="cloud" /> Open in Cloud
            </a>
          )}
        </div>
        {dropping && target && <div className="drop-hint">Drop to attach to {target.name}</div>}
        <UploadList items={uploads.items} onClear={uploads.clearFinished} />
        {files.isError && (
          <p className="error" role="alert">
            {files.error.message}
          </p>
        )}
        {files.isSuccess && attachments.length === 0 && (
          <p className="empty">
            No attachments here{target ? ": attach files with the button or drop them here." : "."}
          </p>
        )}
        <ul className="box-cards" aria-label="Attachments" aria-busy={files.isFetching}>
          {attachments.map((attachment) => (
            <BoxCard
              key={attachment.id}
              attachment={attachment}
              showFolder={whole}
              onPreview={() => setDialog(<PreviewDialog attachment={attachment} onClose={closeDialog} />)}
              onDelete={() =>
                setDialog(
                  <ConfirmDialog
                    title={`Delete ${attachment.name}`}
                    message={`Delete “${attachment.name}”? This cannot be undone here.`}
                    confirmLabel="Delete"
                    onConfirm={async () => {
                      await deleteAttachment(attachment.id);
                      await refreshFiles();
                      notify(`${attachment.name} deleted`);
                    }}
                    onClose={closeDialog}
                  />,
                )
              }
            />
          ))}
        </ul>
        {files.hasNextPage && (
          <button type="button" onClick={() => void files.fetchNextPage()} disabled={files.isFetchingNextPage}>
            {files.isFetchingNextPage ? "Loading…" : "Show more"}
          </button>
        )}
      </div>

      {menu && <ContextMenu menu={menu} onClose={() => setMenu(null)} />}
      {dialog}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <p key={toast.key} className={toast.error ? "toast error" : "toast"}>
            {toast.text}
          </p>
        ))}
      </div>
    </section>
  );
}

/** A card of the box: the shared card, with *Delete* where the API allows it. */
function BoxCard(props: {
  attachment: Attachment;
  showFolder: boolean;
  onPreview: () => void;
  onDelete: () => void;
}) {
  const { attachment } = props;
  // Deleting needs write access to the attachment's folder (the API refuses it otherwise).
  const folder = useQuery({
    queryKey: ["folder", attachment.folder],
    queryFn: () => documents.folder(attachment.folder),
  });
  return (
    <li>
      <AttachmentCard
        attachment={attachment}
        className="box-card"
        showFolder={props.showFolder}
        onPreview={props.onPreview}
        onDelete={folder.data?.can_write ? props.onDelete : undefined}
      />
    </li>
  );
}
