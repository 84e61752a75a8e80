/**
 * One attachment as a card, the same in the file manager's grid and in a record's attachment
 * box: colour stripe, thumbnail (the image, else the type), name, folder and size, the
 * *synced* badge, tags, and the actions its page passes in. A click on the thumbnail previews
 * what can be previewed; a synced file that cannot be opens in its cloud instead (spec
 * "Attachment box": "files that do not have the preview function … will be opened in the cloud
 * client"), and every synced file has an "Open in cloud" link (`cloud_open`, a new tab).
 */

import type { DragEvent } from "react";
import { previewUrl } from "../api/documents";
import type { Attachment } from "../api/types";
import { COLOURS, formatSize, isSynced, typeLabel } from "../lib/attachments";
import { Icon } from "./icons";
import "./AttachmentCard.css";

export interface AttachmentCardProps {
  attachment: Attachment;
  /** Extra class names of the card (the box's `box-card`). */
  className?: string;
  /** The folder's name in the meta line (the box shows it only across folders). */
  showFolder?: boolean;
  /** With `onToggle`: a selection checkbox. */
  selected?: boolean;
  onToggle?: () => void;
  /** With it: the card may be dragged (onto folders, tags, shares). */
  onDragStart?: (event: DragEvent) => void;
  onPreview: () => void;
  /** With it: a *Details* button, also what a click on a thumbnail without preview opens. */
  onDetails?: () => void;
  /** With it: a *Delete* button (pass it only where the API allows deleting). */
  onDelete?: () => void;
}

/** The attributes of a link that opens the cloud in a new tab, never handing it this page. */
const NEW_TAB = { target: "_blank", rel: "noopener noreferrer" } as const;

export function AttachmentCard(props: AttachmentCardProps) {
  const { attachment, showFolder = true } = props;
  const name = attachment.name;
  const cloud = attachment.cloud_open;
  const image = attachment.previewable && attachment.mimetype.startsWith("image/");
  const thumb = image ? (
    <img src={previewUrl(attachment.id)} alt="" loading="lazy" draggable={false} />
  ) : (
    <span className={`thumb-type type-${typeLabel(attachment).toLowerCase()}`} aria-hidden="true">
      {typeLabel(attachment)}
    </span>
  );
  const classes = ["card", props.className, props.selected ? "selected" : ""].filter(Boolean).join(" ");
  const linkOnly = attachment.kind === "url" && !isSynced(attachment);

  let thumbnail;
  if (attachment.previewable) {
    thumbnail = (
      <button type="button" className="thumb" onClick={props.onPreview} aria-label={`Preview ${name}`}>
        {thumb}
      </button>
    );
  } else if (cloud) {
    // A mouse shortcut to the card's own "Open in cloud" link, which keyboards and screen
    // readers reach (one stop per destination).
    thumbnail = (
      <a className="thumb" href={cloud} {...NEW_TAB} tabIndex={-1} aria-hidden="true" draggable={false}>
        {thumb}
      </a>
    );
  } else if (props.onDetails) {
    thumbnail = (
      <button type="button" className="thumb" onClick={props.onDetails} aria-label={`Details of ${name}`}>
        {thumb}
      </button>
    );
  } else {
    thumbnail = <div className="thumb">{thumb}</div>;
  }

  return (
    <article
      className={classes}
      data-attachment={attachment.id}
      draggable={props.onDragStart ? true : undefined}
      onDragStart={props.onDragStart}
      style={{ borderTopColor: COLOURS[attachment.color] ?? "transparent" }}
      aria-label={name}
    >
      {props.onToggle && (
        <input
          type="checkbox"
          className="card-check"
          checked={props.selected ?? false}
          onChange={props.onToggle}
          aria-label={`Select ${name}`}
        />
      )}
      {thumbnail}
      <div className="card-name" title={name}>
        {name}
      </div>
      <div className="card-meta">
        <span title={attachment.folder_name}>{showFolder ? attachment.folder_name : ""}</span>
        {attachment.kind === "file" && <span>{formatSize(attachment.size)}</span>}
      </div>
      <div className="card-tags">
        {isSynced(attachment) && (
          <span className="sync-badge" title="Synced: the file is kept in the cloud">
            <Icon name="cloud" /> synced
          </span>
        )}
        {attachment.tags.map((tag) => (
          <span key={tag.id} className="tag-chip" style={{ borderColor: COLOURS[tag.color] ?? "#ccc" }}>
            {tag.name}
          </span>
        ))}
      </div>
      <div className="card-actions">
        {props.onDetails && (
          <button type="button" className="link" onClick={props.onDetails}>
            Details
          </button>
        )}
        <a
          href={attachment.download_url}
          download={attachment.kind === "file" ? name : undefined}
          aria-label={`${linkOnly ? "Open link" : "Download"} ${name}`}
        >
          {linkOnly ? "Open link" : "Download"}
        </a>
        {cloud && (
          <a
            className="card-cloud"
            href={cloud}
            {...NEW_TAB}
            title="Open in cloud (new tab)"
            aria-label={`Open ${name} in cloud`}
            draggable={false}
          >
            <Icon name="cloud" /> cloud
          </a>
        )}
        {props.onDelete && (
          <button type="button" className="link danger" onClick={props.onDelete} aria-label={`Delete ${name}`}>
            Delete
          </button>
        )}
      </div>
    </article>
  );
}
