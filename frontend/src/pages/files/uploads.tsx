/** Uploads with per-file progress: each file is sent on its own (XHR progress events). */

import { useCallback, useState } from "react";
import * as documents from "../../api/documents";

export interface UploadItem {
  key: number;
  name: string;
  folder: string;
  sent: number;
  total: number;
  state: "uploading" | "done" | "failed";
  error?: string;
}

let nextKey = 1;

export function useUploads(onUploaded: () => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const update = (key: number, change: Partial<UploadItem>) =>
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  const start = useCallback(
    (files: File[], folder: { id: number; name: string }) => {
      for (const file of files) {
        const key = nextKey++;
        setItems((current) => [
          ...current,
          { key, name: file.name, folder: folder.name, sent: 0, total: file.size, state: "uploading" },
        ]);
        documents
          .upload(file, folder.id, (sent, total) => update(key, { sent, total }))
          .done.then(() => {
            update(key, { state: "done", sent: file.size });
            onUploaded();
          })
          .catch((error: Error) => update(key, { state: "failed", error: error.message }));
      }
    },
    [onUploaded],
  );
  const clearFinished = () => setItems((current) => current.filter((item) => item.state === "uploading"));
  return { items, start, clearFinished };
}

export function UploadList({ items, onClear }: { items: UploadItem[]; onClear: () => void }) {
  if (!items.length) return null;
  return (
    <section className="uploads" aria-label="Uploads">
      <div className="section-head">
        <h2>Uploads</h2>
        <button type="button" className="link" onClick={onClear}>
          Clear finished
        </button>
      </div>
      <ul>
        {items.map((item) => {
          const percent = item.total ? Math.round((item.sent / item.total) * 100) : 100;
          return (
            <li key={item.key} className={`upload ${item.state}`} data-state={item.state}>
              <span className="upload-name">
                {item.name} → {item.folder}
              </span>
              <progress max={100} value={percent} aria-label={`${item.name} ${percent}%`} />
              <span className="upload-state">
                {item.state === "failed" ? item.error : item.state === "done" ? "done" : `${percent}%`}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
