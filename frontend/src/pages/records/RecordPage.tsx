/**
 * A record's page (`/records/<source>/<model>/<id>`): its display name and fields, then its
 * attachment box; and the box alone for other web apps to frame (`/embed/records/…`, no top
 * bar). Both are open to whoever may read the record, file manager or not; the API decides.
 */

import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { fileManagerPath, recordPage, recordPath } from "../../api/records";
import type { RecordRef } from "../../api/types";
import { useUser } from "../../app/session";
import { AttachmentBox } from "./AttachmentBox";
import { fieldText } from "./format";
import "./records.css";

function useRecordRef(): RecordRef {
  const params = useParams();
  return { source: params.source ?? "", model: params.model ?? "", id: params.id ?? "" };
}

function useRecord(ref: RecordRef) {
  return useQuery({
    queryKey: ["record-page", ref.source, ref.model, String(ref.id)],
    queryFn: () => recordPage(ref),
  });
}

/** Why a record cannot be shown, as the API said it. */
function Refusal({ error }: { error: Error }) {
  const status = error instanceof ApiError ? error.status : 0;
  const title =
    status === 403 ? "You cannot open this record" : status === 404 ? "Record not found" : "The record cannot be shown";
  return (
    <section className="page-message" role="alert">
      <h1>{title}</h1>
      <p>{error.message}</p>
    </section>
  );
}

export function RecordPage() {
  const ref = useRecordRef();
  const user = useUser();
  const record = useRecord(ref);
  if (record.isPending) return <p className="page-message">Loading…</p>;
  if (record.isError) return <Refusal error={record.error} />;
  const page = record.data;
  return (
    <div className="record-page">
      <nav className="crumbs" aria-label="Breadcrumbs">
        {user.file_manager && (
          <>
            <Link to="/files">Files</Link>
            <span aria-hidden="true"> › </span>
          </>
        )}
        <span>
          {page.source} · {page.model}
        </span>
        <span aria-hidden="true"> › </span>
        <span aria-current="page">{page.display_name || String(page.id)}</span>
      </nav>
      <header className="record-head">
        <h1>{page.display_name || `${page.model} ${String(page.id)}`}</h1>
        {user.file_manager && (
          <Link className="button-link" to={fileManagerPath(page.folder, ref)}>
            Open in File Manager
          </Link>
        )}
      </header>
      {page.fields.length > 0 && (
        <dl className="facts record-fields" aria-label="Fields">
          {page.fields.map((field) => (
            <div key={field.name} className="fact">
              <dt title={field.name}>{field.label}</dt>
              <dd>{fieldText(field)}</dd>
            </div>
          ))}
        </dl>
      )}
      <h2 className="box-heading">Attachments</h2>
      <AttachmentBox record={ref} />
    </div>
  );
}

/** The box alone, framed by another web app: no top bar; links leave the frame. */
export function EmbeddedBox() {
  const ref = useRecordRef();
  const record = useRecord(ref);
  if (record.isPending) return <p className="note box-message">Loading…</p>;
  if (record.isError) return <Refusal error={record.error} />;
  return (
    <div className="record-embed">
      <header className="embed-head">
        <strong>{record.data.display_name}</strong>
        <a href={recordPath(ref)} target="_blank" rel="noopener">
          Open in Archivist
        </a>
      </header>
      <AttachmentBox record={ref} embedded />
    </div>
  );
}
