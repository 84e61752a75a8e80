/**
 * The file manager's breadcrumbs back to the record it was opened from ("Open in File
 * Manager" of an attachment box: `/files?folder=<id>&record=<source>/<model>/<id>`); nothing
 * when the file manager was opened otherwise.
 */

import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { recordPage, recordPath } from "../../api/records";
import { recordFromParam } from "./format";
import "./records.css";

export function RecordTrail() {
  const [params] = useSearchParams();
  const ref = recordFromParam(params.get("record"));
  const record = useQuery({
    queryKey: ["record-page", ref?.source, ref?.model, String(ref?.id)],
    queryFn: () => recordPage(ref!),
    enabled: ref !== null,
  });
  if (!ref) return null;
  return (
    <nav className="crumbs record-trail" aria-label="Breadcrumbs">
      <Link to={recordPath(ref)}>{record.data?.display_name || `${ref.model} ${String(ref.id)}`}</Link>
      <span aria-hidden="true"> › </span>
      <span aria-current="page">File manager</span>
    </nav>
  );
}
