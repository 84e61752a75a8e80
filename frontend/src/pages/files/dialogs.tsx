/** The file manager's dialogs: preview, details, add URL, pickers, slideshow, share, record. */

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import * as documents from "../../api/documents";
import type { Attachment, FolderNode, Tag } from "../../api/types";
import { useUser } from "../../app/session";
import { Dialog, FormWithError } from "../../components/Dialog";
import { Slideshow } from "../../components/Slideshow";
import { COLOURS, formatSize } from "./AttachmentGrid";

export function PreviewDialog({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const url = documents.previewUrl(attachment.id);
  const pdf = attachment.mimetype === "application/pdf";
  // The preview answers with a sandboxing CSP, under which the browser's PDF viewer does not
  // run: a PDF is fetched and shown from a blob URL of this page instead.
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!pdf) return;
    let made: string | null = null;
    const controller = new AbortController();
    fetch(url, { credentials: "same-origin", signal: controller.signal })
      .then((response) => response.blob())
      .then((blob) => {
        made = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
        setBlobUrl(made);
      })
      .catch(() => undefined); // closed before it loaded
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [pdf, url]);
  return (
    <Dialog title={attachment.name} onClose={onClose} wide>
      <div className="preview">
        {pdf ? (
          blobUrl ? <iframe title={attachment.name} src={blobUrl} /> : <p>Loading…</p>
        ) : (
          <img src={url} alt={attachment.name} />
        )}
      </div>
      <p>
        <a href={attachment.download_url}>Download</a>
      </p>
    </Dialog>
  );
}

/** Choose a folder by searching its name (the tree may hold 100,000 folders). */
export function FolderChooser({
  name,
  initial,
}: {
  name: string;
  initial?: { id: number; name: string } | null;
}) {
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState(initial ?? null);
  const found = useQuery({
    queryKey: ["folders", "search", search.trim(), "chooser"],
    queryFn: () => documents.searchFolders(search.trim()),
    enabled: search.trim().length > 0,
  });
  const matches = new Set(found.data?.matches ?? []);
  const options: FolderNode[] = (found.data?.results ?? []).filter((folder) => matches.has(folder.id));
  return (
    <fieldset className="chooser">
      <legend>Folder{chosen ? `: ${chosen.name}` : ""}</legend>
      <input type="hidden" name={name} value={chosen?.id ?? ""} />
      <input
        type="search"
        placeholder="Search a folder"
        aria-label="Search a folder"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className="chooser-list" role="listbox" aria-label="Folders found">
        {options.slice(0, 50).map((folder) => (
          <button
            type="button"
            role="option"
            aria-selected={chosen?.id === folder.id}
            key={folder.id}
            className={chosen?.id === folder.id ? "chosen" : ""}
            onClick={() => setChosen({ id: folder.id, name: folder.name })}
          >
            {folder.name}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

function TagChecklist({ name, checked }: { name: string; checked: ReadonlySet<number> }) {
  const list = useQuery({ queryKey: ["tags"], queryFn: () => documents.tags() });
  const tags: Tag[] = list.data?.results ?? [];
  return (
    <fieldset className="checklist">
      <legend>Tags</legend>
      {tags.length === 0 && <p>No tags yet.</p>}
      {tags.map((tag) => (
        <label key={tag.id}>
          <input type="checkbox" name={name} value={tag.id} defaultChecked={checked.has(tag.id)} />
          {tag.name}
        </label>
      ))}
    </fieldset>
  );
}

export function DetailsDialog({
  attachment,
  onSaved,
  onClose,
}: {
  attachment: Attachment;
  onSaved: () => void;
  onClose: () => void;
}) {
  // Editing is offered only where the API allows it: the attachment's folder must be writable.
  const folder = useQuery({ queryKey: ["folder", attachment.folder], queryFn: () => documents.folder(attachment.folder) });
  const writable = folder.data?.can_write ?? false;
  const tagging = useUser().tags_enabled; // tags turned off in Settings: not offered
  const had = new Set(attachment.tags.map((tag) => tag.id));
  return (
    <Dialog title={`Details: ${attachment.name}`} onClose={onClose}>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{attachment.kind === "url" ? "link" : attachment.mimetype}</dd>
        {attachment.kind === "file" && (
          <>
            <dt>Size</dt>
            <dd>{formatSize(attachment.size)}</dd>
          </>
        )}
        <dt>Author</dt>
        <dd>{attachment.author?.username ?? "—"}</dd>
        <dt>Created</dt>
        <dd>{new Date(attachment.created_at).toLocaleString()}</dd>
      </dl>
      {folder.isSuccess && !writable && <p className="note">You may read this attachment but not change it.</p>}
      {writable && (
        <FormWithError
          submitLabel="Save"
          onCancel={onClose}
          onSubmit={async (form) => {
            const name = String(form.get("name") ?? "").trim();
            const target = Number(form.get("folder"));
            const color = Number(form.get("color"));
            const now = new Set(form.getAll("tags").map(Number));
            await documents.updateAttachment(attachment.id, {
              ...(name && name !== attachment.name ? { name } : {}),
              ...(target && target !== attachment.folder ? { folder: target } : {}),
              ...(color !== attachment.color ? { color } : {}),
              ...(tagging
                ? { add_tags: [...now].filter((id) => !had.has(id)), remove_tags: [...had].filter((id) => !now.has(id)) }
                : {}),
            });
            onSaved();
            onClose();
          }}
        >
          <label>
            Name
            <input name="name" defaultValue={attachment.name} required />
          </label>
          <FolderChooser name="folder" initial={{ id: attachment.folder, name: attachment.folder_name }} />
          <ColourChooser initial={attachment.color} />
          {tagging && <TagChecklist name="tags" checked={had} />}
        </FormWithError>
      )}
    </Dialog>
  );
}

function ColourChooser({ initial }: { initial: number }) {
  return (
    <fieldset className="colours">
      <legend>Colour</legend>
      {COLOURS.map((colour, index) => (
        <label key={index} title={index === 0 ? "none" : `colour ${index}`}>
          <input type="radio" name="color" value={index} defaultChecked={index === initial} />
          <span className="swatch" style={{ background: colour }} />
        </label>
      ))}
    </fieldset>
  );
}

export function AddUrlDialog({
  folder,
  onAdded,
  onClose,
}: {
  folder: { id: number; name: string };
  onAdded: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={`Add a URL to ${folder.name}`} onClose={onClose}>
      <FormWithError
        submitLabel="Add"
        onCancel={onClose}
        onSubmit={async (form) => {
          await documents.addUrl(String(form.get("name")), String(form.get("url")), folder.id);
          onAdded();
          onClose();
        }}
      >
        <label>
          Name
          <input name="name" required autoFocus />
        </label>
        <label>
          URL
          <input name="url" type="url" required placeholder="https://" />
        </label>
      </FormWithError>
    </Dialog>
  );
}

export function PickFolderDialog({
  title,
  onPick,
  onClose,
}: {
  title: string;
  onPick: (folder: number) => Promise<unknown>;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <FormWithError
        submitLabel="Apply"
        onCancel={onClose}
        onSubmit={async (form) => {
          const folder = Number(form.get("folder"));
          if (!folder) throw new Error("choose a folder first");
          await onPick(folder);
          onClose();
        }}
      >
        <FolderChooser name="folder" />
      </FormWithError>
    </Dialog>
  );
}

export function PickTagsDialog({
  onPick,
  onClose,
}: {
  onPick: (add: number[], remove: number[]) => Promise<unknown>;
  onClose: () => void;
}) {
  return (
    <Dialog title="Update tags" onClose={onClose}>
      <FormWithError
        submitLabel="Apply"
        onCancel={onClose}
        onSubmit={async (form) => {
          await onPick(form.getAll("add").map(Number), form.getAll("remove").map(Number));
          onClose();
        }}
      >
        <p>Tags to add:</p>
        <TagChecklist name="add" checked={new Set()} />
        <p>Tags to remove:</p>
        <TagChecklist name="remove" checked={new Set()} />
      </FormWithError>
    </Dialog>
  );
}

export function ShareDialog({
  ids,
  onDone,
  onClose,
}: {
  ids: number[];
  onDone: () => void;
  onClose: () => void;
}) {
  const list = useQuery({ queryKey: ["shares"], queryFn: () => documents.shares() });
  return (
    <Dialog title={`Share ${ids.length} attachment(s)`} onClose={onClose}>
      <FormWithError
        submitLabel="Share"
        onCancel={onClose}
        onSubmit={async (form) => {
          const existing = Number(form.get("share"));
          const name = String(form.get("name") ?? "").trim();
          if (!existing && !name) throw new Error("choose a share or name a new one");
          await documents.addToShare(ids, existing ? { share: existing } : { name });
          onDone();
          onClose();
        }}
      >
        <label>
          An existing share
          <select name="share" defaultValue="">
            <option value="">— a new share —</option>
            {(list.data ?? []).map((share) => (
              <option key={share.id} value={share.id}>
                {share.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          or a new share named
          <input name="name" />
        </label>
      </FormWithError>
    </Dialog>
  );
}

/** The images of the selection in the slideshow (`names`: the selection's, for the captions). */
export function SlideshowDialog({
  ids,
  names,
  onClose,
}: {
  ids: number[];
  names: ReadonlyMap<number, string>;
  onClose: () => void;
}) {
  const slides = useQuery({ queryKey: ["slideshow", ids], queryFn: () => documents.slideshow(ids) });
  const images = (slides.data?.results ?? []).map((id) => ({
    id,
    name: names.get(id) ?? `#${id}`,
    src: documents.previewUrl(id),
  }));
  return (
    <Slideshow
      slides={images}
      loading={slides.isPending}
      empty={slides.isError ? slides.error.message : "No image among the selected attachments."}
      onClose={onClose}
    />
  );
}

export function RecordDialog({ folderId, onClose }: { folderId: number; onClose: () => void }) {
  const record = useQuery({ queryKey: ["record", folderId], queryFn: () => documents.linkedRecord(folderId) });
  return (
    <Dialog title={record.data?.display_name ?? "Linked record"} onClose={onClose}>
      {record.isPending && <p>Loading…</p>}
      {record.isError && <p className="error" role="alert">{record.error.message}</p>}
      {record.data && (
        <dl className="facts">
          <dt>Source</dt>
          <dd>
            {record.data.source} · {record.data.model} · {String(record.data.id)}
          </dd>
          {Object.entries(record.data.fields).map(([field, value]) => (
            <div key={field} className="fact">
              <dt>{field}</dt>
              <dd>{value === null ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </Dialog>
  );
}

export function TagEditDialog({ tag, onSaved, onClose }: { tag: Tag; onSaved: () => void; onClose: () => void }) {
  return (
    <Dialog title={`Edit tag ${tag.name}`} onClose={onClose}>
      <FormWithError
        submitLabel="Save"
        onCancel={onClose}
        onSubmit={async (form) => {
          await documents.updateTag(tag.id, {
            name: String(form.get("name")),
            color: Number(form.get("color")),
            notes: String(form.get("notes") ?? ""),
          });
          onSaved();
          onClose();
        }}
      >
        <label>
          Name
          <input name="name" defaultValue={tag.name} required />
        </label>
        <ColourChooser initial={tag.color} />
        <label>
          Notes
          <textarea name="notes" defaultValue={tag.notes} rows={3} />
        </label>
      </FormWithError>
    </Dialog>
  );
}
