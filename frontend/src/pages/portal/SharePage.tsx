/**
 * A share's page (spec "Sharing in Portal"), the same for a token link (`/s/{token}`, anyone)
 * and for a signed-in portal user (`/portal/shares/{id}`): the files (sort by name or folder,
 * search by name, tag or folder), the folder and tag trees when the share shows them, downloads
 * (a file, a folder, a tag, the whole share as a ZIP), uploads ("Upload to …" and dropped files)
 * when allowed, the slideshow and the chat when enabled. A share with a password asks for it;
 * a file-drop share shows only the drop page; a closed link says so and nothing more.
 */

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { ApiError, downloadUrl } from "../../api/client";
import * as portal from "../../api/portal";
import { Slideshow } from "../../components/Slideshow";
import { Chat } from "./Chat";
import { DropPage } from "./DropPage";
import { FileList } from "./FileList";
import { ShareTree } from "./ShareTrees";
import { UploadList, useFileDrop, useShareUploads } from "./uploads";
import "./portal.css";

const PAGE = 100;

export const CLOSED_LINK = "This link has expired or was revoked";

export function SharePage({ access }: { access: portal.ShareAccess }) {
  const summary = useQuery({
    queryKey: ["share", portal.shareBase(access), "summary"],
    queryFn: () => portal.summary(access),
  });
  if (summary.isPending) return <p className="page-message">Loading…</p>;
  if (summary.isError) return <ShareError access={access} error={summary.error} />;
  const share = summary.data;
  if (share.permissions.upload_only && share.access !== "internal") return <DropPage access={access} share={share} />;
  return <ShareContents access={access} share={share} />;
}

function ShareError({ access, error }: { access: portal.ShareAccess; error: Error }) {
  const body = error instanceof ApiError ? error.body : null;
  const code = portal.errorCode(body);
  if (code === "password_required") return <PasswordPrompt access={access} />;
  const status = error instanceof ApiError ? error.status : 0;
  const byToken = "token" in access;
  // A token link says one thing whatever the cause, so a guesser learns nothing.
  const closed = code === "share_closed" || (byToken && code !== "sharing_off" && (status === 404 || status === 403));
  return (
    <section className="page-message share-closed" role="alert">
      <h1>{closed && byToken ? CLOSED_LINK : "This share is not available"}</h1>
      {!byToken && <p>{error.message}</p>}
      {byToken && !closed && <p>{error.message}</p>}
      {byToken && closed && <p>Ask the person who sent it for a new link.</p>}
    </section>
  );
}

function PasswordPrompt({ access }: { access: portal.ShareAccess }) {
  const client = useQueryClient();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section className="page-message share-password">
      <h1>This share is protected</h1>
      <form
        className="form"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await portal.unlock(access, password);
            await client.invalidateQueries({ queryKey: ["share", portal.shareBase(access)] });
          } catch (failure) {
            setError(failure instanceof Error ? failure.message : String(failure));
            setPassword("");
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="current-password"
            autoFocus
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            Open the share
          </button>
        </div>
      </form>
    </section>
  );
}

const ORDERS: { value: portal.ShareOrder; label: string }[] = [
  { value: "name", label: "Name" },
  { value: "-name", label: "Name, Z to A" },
  { value: "folder", label: "Folder" },
  { value: "-folder", label: "Folder, Z to A" },
];

function ShareContents({ access, share }: { access: portal.ShareAccess; share: portal.ShareSummary }) {
  const client = useQueryClient();
  const base = portal.shareBase(access);
  const can = share.permissions;
  const [searchIn, setSearchIn] = useState<portal.SearchIn>("name");
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState<{ text: string; in: portal.SearchIn }>({ text: "", in: "name" });
  const [order, setOrder] = useState<portal.ShareOrder>("name");
  const [folder, setFolder] = useState<portal.ShareNode | null>(null);
  const [tag, setTag] = useState<portal.ShareNode | null>(null);
  const [slideshow, setSlideshow] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const query: portal.FileQuery = {
    search: search.text,
    search_in: search.in,
    folder: folder?.id ?? null,
    tag: tag?.id ?? null,
    order,
  };
  const pages = useInfiniteQuery({
    queryKey: ["share", base, "files", query],
    queryFn: ({ pageParam }) => portal.files(access, query, pageParam, PAGE),
    initialPageParam: 0,
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.count ? loaded : undefined;
    },
  });

  const target: portal.Ref | null = folder?.can_upload ? { id: folder.id, name: folder.name } : share.upload_target;
  const onUploaded = useCallback(() => {
    void client.invalidateQueries({ queryKey: ["share", base] });
  }, [client, base]);
  const uploads = useShareUploads(access, onUploaded);
  const canUpload = can.upload && target !== null;
  const drop = useFileDrop(canUpload, (files) => uploads.start(files, target));
  const images = (pages.data?.pages ?? []).flatMap((page) => page.items).filter(isImage);

  return (
    <div className="share-page">
      <header className="share-head">
        <h1>{share.name}</h1>
        <p className="note">
          {share.counts.attachments === 1 ? "1 file" : `${share.counts.attachments} files`}
          {share.expires_on && ` · open until ${new Date(share.expires_on).toLocaleDateString()}`}
          {share.downloads_left !== null && ` · ${share.downloads_left} downloads left`}
          {share.access === "internal" && " · preview: your downloads are not counted"}
        </p>
      </header>
      <div className={can.show_folders || can.show_tags ? "share-body with-side" : "share-body"}>
        {(can.show_folders || can.show_tags) && (
          <aside className="share-side" aria-label="Folders and tags">
            {can.show_folders && (
              <ShareTree
                kind="folders"
                access={access}
                canSearch={can.allow_search_folders}
                canDownload={can.download}
                selected={folder?.id ?? null}
                current={canUpload ? target?.id : null}
                onSelect={setFolder}
              />
            )}
            {can.show_tags && (
              <ShareTree
                kind="tags"
                access={access}
                canSearch={can.allow_search_tags}
                canDownload={can.download}
                selected={tag?.id ?? null}
                onSelect={setTag}
              />
            )}
          </aside>
        )}
        <section
          className={drop.over ? "share-main dropping" : "share-main"}
          aria-label="Files of the share"
          {...drop.handlers}
        >
          <div className="share-toolbar">
            {canUpload && (
              <>
                <button type="button" className="primary share-upload" onClick={() => fileInput.current?.click()}>
                  Upload to {target.name}
                </button>
                <input
                  ref={fileInput}
                  type="file"
                  multiple
                  hidden
                  aria-label={`Files to upload to ${target.name}`}
                  onChange={(event) => {
                    const files = [...(event.target.files ?? [])];
                    event.target.value = "";
                    if (files.length) uploads.start(files, target);
                  }}
                />
              </>
            )}
            {can.download && share.counts.attachments > 0 && (
              <button type="button" onClick={() => downloadUrl(portal.archiveUrl(access))}>
                Download share as archive
              </button>
            )}
            {can.slideshow && (
              <button type="button" onClick={() => setSlideshow(true)} disabled={!images.length || !can.download}>
                Slideshow
              </button>
            )}
          </div>
          <div className="share-search">
            <form
              role="search"
              onSubmit={(event) => {
                event.preventDefault();
                setSearch({ text: typed.trim(), in: searchIn });
              }}
            >
              <select aria-label="Search in" value={searchIn} onChange={(event) => setSearchIn(event.target.value as portal.SearchIn)}>
                <option value="name">Name</option>
                <option value="tag">Tag</option>
                <option value="folder">Folder</option>
              </select>
              <input
                type="search"
                aria-label="Search files"
                placeholder="Search files"
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
              />
              <button type="submit">Search</button>
            </form>
            <label className="inline">
              Sort by
              <select value={order} onChange={(event) => setOrder(event.target.value as portal.ShareOrder)}>
                {ORDERS.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {(search.text || folder || tag) && (
            <p className="share-criteria" aria-label="Filters">
              {search.text && (
                <Criterion
                  label={`${search.in === "name" ? "Name" : search.in === "tag" ? "Tag" : "Folder"}: ${search.text}`}
                  onRemove={() => {
                    setTyped("");
                    setSearch({ text: "", in: searchIn });
                  }}
                />
              )}
              {folder && <Criterion label={`In folder: ${folder.name}`} onRemove={() => setFolder(null)} />}
              {tag && <Criterion label={`With tag: ${tag.name}`} onRemove={() => setTag(null)} />}
            </p>
          )}
          {drop.over && <div className="drop-hint">Drop to upload to {target?.name}</div>}
          <UploadList items={uploads.items} onClear={uploads.clearFinished} />
          <FileList
            access={access}
            pages={pages}
            canDownload={can.download}
            showFolders={can.show_folders}
            showTags={can.show_tags}
          />
          {can.show_chat && <Chat access={access} askName={share.access === "token"} />}
        </section>
      </div>
      {slideshow && (
        <Slideshow
          // the share's preview endpoint: a view, which never spends the download limit
          slides={images.map((file) => ({ id: file.id, name: file.name, src: portal.previewUrl(access, file.id) }))}
          empty="No image among the files found."
          autoplay
          onClose={() => setSlideshow(false)}
        />
      )}
    </div>
  );
}

function Criterion({ label, onRemove }: { label: string; onRemove: () => void }) {
  return (
    <span className="criterion">
      {label}
      <button type="button" className="icon" aria-label={`Remove ${label}`} onClick={onRemove}>
        ×
      </button>
    </span>
  );
}

function isImage(file: portal.SharedFile): boolean {
  return file.is_file && file.mimetype.startsWith("image/");
}
