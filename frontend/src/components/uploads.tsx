/** Uploads with per-file progress: each file is sent on its own (XHR progress events) and
 * listed with its bar until cleared. The pages say how a file is sent and where. */

import { useCallback, useState } from "react";
import type { UploadHandle } from "../api/client";

export interface UploadItem {
  key: number;
  name: string;
  target: string;
  sent: number;
  total: number;
  state: "uploading" | "done" | "failed";
  error?: string;
}

export type Send = (file: File, onProgress: (sent: number, total: number) => void) => UploadHandle;

let nextKey = 1;

/** `send(files, target, how)`: uploads each file with `how`, shown as going to `target`;
 * `onUploaded` gets each answer. */
export function useUploadQueue(onUploaded: (answer: unknown) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const send = useCallback(
    (files: File[], target: string, how: Send) => {
      const update = (key: number, change: Partial<UploadItem>) =>
        setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
      for (const file of files) {
        const key = nextKey++;
        setItems((current) => [
          ...current,
          { key, name: file.name, target, sent: 0, total: file.size, state: "uploading" },
        ]);
        how(file, (sent, total) => update(key, { sent, total }))
          .done.then((answer) => {
            update(key, { state: "done", sent: file.size, total: file.size });
            onUploaded(answer);
          })
          .catch((error: Error) => update(key, { state: "failed", error: error.message }));
      }
    },
    [onUploaded],
  );
  const clearFinished = useCallback(
    () => setItems((current) => current.filter((item) => item.state === "uploading")),
    [],
  );
  return { items, send, clearFinished };
}

export function UploadList({
  items,
  onClear,
  className = "",
}: {
  items: UploadItem[];
  onClear: () => void;
  className?: string;
}) {
  if (!items.length) return null;
  return (
    <section className={`uploads ${className}`.trim()} aria-label="Uploads">
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
                {item.name} → {item.target}
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
