/** The share's files matching the search, 100 at a time ("Show more"): name, folder, tags,
 * size and date, each with its download (or, for a link, the link). */

import type { InfiniteData, UseInfiniteQueryResult } from "@tanstack/react-query";
import * as portal from "../../api/portal";
import { formatSize } from "../files/AttachmentGrid";

export function FileList({
  access,
  pages,
  canDownload,
  showFolders,
  showTags,
}: {
  access: portal.ShareAccess;
  pages: UseInfiniteQueryResult<InfiniteData<portal.FilePage, unknown>>;
  canDownload: boolean;
  showFolders: boolean;
  showTags: boolean;
}) {
  if (pages.isPending) return <p className="empty">Loading…</p>;
  if (pages.isError)
    return (
      <p className="error empty" role="alert">
        {pages.error.message}
      </p>
    );
  const files = pages.data.pages.flatMap((page) => page.items);
  const count = pages.data.pages[0]?.count ?? 0;
  if (!files.length) return <p className="empty">No file found.</p>;
  return (
    <>
      <p className="note share-count" aria-live="polite">
        {count === 1 ? "1 file" : `${count} files`}
      </p>
      <table className="share-files" aria-label="Files">
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showFolders && <th scope="col">Folder</th>}
            {showTags && <th scope="col">Tags</th>}
            <th scope="col">Size</th>
            <th scope="col">Date</th>
            <th scope="col">
              <span className="portal-sr-only">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr key={file.id} data-name={file.name}>
              <th scope="row" className="file-name">
                {file.name}
              </th>
              {showFolders && <td className="file-folder">{file.folder?.name ?? ""}</td>}
              {showTags && (
                <td className="file-tags">
                  {(file.tags ?? []).map((tag) => (
                    <span key={tag.id} className="tag-chip">
                      {tag.name}
                    </span>
                  ))}
                </td>
              )}
              <td className="file-size">{file.is_file ? formatSize(file.size) : "link"}</td>
              <td className="file-date">
                <time dateTime={file.created_at}>{new Date(file.created_at).toLocaleDateString()}</time>
              </td>
              <td className="file-action">
                {canDownload &&
                  (file.is_file ? (
                    <a href={portal.fileUrl(access, file.id)} download aria-label={`Download ${file.name}`}>
                      Download
                    </a>
                  ) : (
                    <a
                      href={portal.fileUrl(access, file.id)}
                      target="_blank"
                      rel="noreferrer noopener"
                      aria-label={`Open ${file.name}`}
                    >
                      Open
                    </a>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages.hasNextPage && (
        <p className="more">
          <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
            {pages.isFetchingNextPage ? "Loading…" : `Show more (${files.length} of ${count})`}
          </button>
        </p>
      )}
    </>
  );
}
