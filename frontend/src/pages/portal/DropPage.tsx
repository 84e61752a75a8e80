/** A file-drop share (upload only): a drop zone, and what this visitor sent during this browser
 * session (kept in the tab's session storage). Nothing of the share's content is shown. */

import { useCallback, useRef, useState } from "react";
import * as portal from "../../api/portal";
import { formatSize } from "../files/AttachmentGrid";
import { UploadList, useFileDrop, useShareUploads } from "./uploads";
import "./portal.css";

function storageKey(access: portal.ShareAccess): string {
  return `archivist.portal.sent:${portal.shareBase(access)}`;
}

function remembered(access: portal.ShareAccess): portal.Uploaded[] {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(storageKey(access)) ?? "[]");
    return Array.isArray(saved) ? (saved as portal.Uploaded[]) : [];
  } catch {
    return []; // a damaged entry: start again
  }
}

export function DropPage({ access, share }: { access: portal.ShareAccess; share: portal.ShareSummary }) {
  const [sent, setSent] = useState<portal.Uploaded[]>(() => remembered(access));
  const fileInput = useRef<HTMLInputElement>(null);
  const onUploaded = useCallback(
    (files: portal.Uploaded[]) =>
      setSent((current) => {
        const next = [...current, ...files];
        sessionStorage.setItem(storageKey(access), JSON.stringify(next));
        return next;
      }),
    [access],
  );
  const uploads = useShareUploads(access, onUploaded);
  const target = share.upload_target;
  const drop = useFileDrop(true, (files) => uploads.start(files, target));
  return (
    <div className="share-page drop-page">
      <header className="share-head">
        <h1>{share.name}</h1>
        <p className="note">
          Send files here: they go to the people who shared this page. You see only what you sent.
          {share.expires_on && ` Open until ${new Date(share.expires_on).toLocaleDateString()}.`}
        </p>
      </header>
      <section
        className={drop.over ? "drop-zone dropping" : "drop-zone"}
        aria-label="Drop files here"
        {...drop.handlers}
      >
        <p>Drop files here</p>
        <p>or</p>
        <button type="button" className="primary" onClick={() => fileInput.current?.click()}>
          Choose files
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Files to send"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = "";
            if (files.length) uploads.start(files, target);
          }}
        />
      </section>
      <UploadList items={uploads.items} onClear={uploads.clearFinished} />
      <section className="drop-sent" aria-labelledby="drop-sent-title">
        <h2 id="drop-sent-title">Sent in this session</h2>
        {sent.length === 0 ? (
          <p className="note">Nothing yet.</p>
        ) : (
          <ul aria-label="Sent in this session">
            {sent.map((file) => (
              <li key={file.id}>
                <span className="sent-name">{file.name}</span> <span className="note">{formatSize(file.size)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
