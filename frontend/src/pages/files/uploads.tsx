/** Uploads into a folder of the file manager or of an attachment box. */

import { useCallback } from "react";
import * as documents from "../../api/documents";
import { useUploadQueue } from "../../components/uploads";

export { UploadList } from "../../components/uploads";

export function useUploads(onUploaded: () => void) {
  const { items, send, clearFinished } = useUploadQueue(onUploaded);
  const start = useCallback(
    (files: File[], folder: { id: number; name: string }) =>
      send(files, folder.name, (file, onProgress) => documents.upload(file, folder.id, onProgress)),
    [send],
  );
  return { items, start, clearFinished };
}
