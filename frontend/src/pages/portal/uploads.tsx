/** Uploads into a share, one request per file so each shows its own progress (XHR events). */

import { useCallback, useState } from "react";
import * as portal from "../../api/portal";

export interface UploadItem {
  key: number;
  name: string;
  target: string;
  sent: number;
  total: number;
  state: "uploading" | "done" | "failed";
  error?: string;
}

let nextKey = 1;

export function useShareUploads(access: portal.ShareAccess, onUploaded: (files: portal.Uploaded[]) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const update = (key: number, change: Partial<UploadItem>) =>
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  const start = useCallback(
    (files: File[], folder: portal.Ref | null) => {
      for (const file of files) {
        const key = nextKey++;
        const target = folder?.name ?? "the share";
        setItems((current) => [
          ...current,
          { key, name: file.name, target, sent: 0, total: file.size, state: "uploading" },
        ]);
        portal
          .upload(access, file, folder?.id ?? null, (sent, total) => update(key, { sent, total }))
          .done.then((stored) => {
            update(key, { state: "done", sent: 1, total: 1 });
            onUploaded(stored as portal.Uploaded[]);
          })
          .catch((error: Error) => update(key, { state: "failed", error: error.message }));
      }
    },
    [access, onUploaded],
  );
  const clearFinished = () => setItems((current) => current.filter((item) => item.state === "uploading"));
  return { items, start, clearFinished };
}

export function UploadList({ items, onClear }: { items: UploadItem[]; onClear: () => void }) {
  if (!items.length) return null;
  return (
    <section className="uploads share-uploads" aria-label="Uploads">
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

/** A zone that takes dropped files (highlighted while files are dragged over it). */
export function useFileDrop(enabled: boolean, onFiles: (files: File[]) => void) {
  const [over, setOver] = useState(false);
  const carriesFiles = (event: React.DragEvent) => enabled && event.dataTransfer.types.includes("Files");
  return {
    over,
    handlers: {
      onDragOver: (event: React.DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setOver(true);
      },
      onDragLeave: (event: React.DragEvent) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      },
      onDrop: (event: React.DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setOver(false);
        const files = [...event.dataTransfer.files];
        if (files.length) onFiles(files);
      },
    },
  };
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
