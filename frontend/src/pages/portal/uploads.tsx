/** Uploads into a share, one request per file so each shows its own progress (XHR events). */

import { useCallback, useState } from "react";
import * as portal from "../../api/portal";
import { UploadList as SharedUploadList, type UploadItem, useUploadQueue } from "../../components/uploads";

export function useShareUploads(access: portal.ShareAccess, onUploaded: (files: portal.Uploaded[]) => void) {
  const { items, send, clearFinished } = useUploadQueue(
    useCallback((answer: unknown) => onUploaded(answer as portal.Uploaded[]), [onUploaded]),
  );
  const start = useCallback(
    (files: File[], folder: portal.Ref | null) =>
      send(files, folder?.name ?? "the share", (file, onProgress) =>
        portal.upload(access, file, folder?.id ?? null, onProgress),
      ),
    [access, send],
  );
  return { items, start, clearFinished };
}

/** The list of this page's uploads, framed for the share page. */
export function UploadList({ items, onClear }: { items: UploadItem[]; onClear: () => void }) {
  return <SharedUploadList items={items} onClear={onClear} className="share-uploads" />;
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
