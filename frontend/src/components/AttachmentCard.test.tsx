import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Attachment } from "../api/types";
import { AttachmentCard } from "./AttachmentCard";

function attachment(overrides: Partial<Attachment> = {}): Attachment {
  return {
    id: 7,
    name: "offer.docx",
    kind: "file",
    folder: 3,
    folder_name: "Contracts",
    size: 2048,
    mimetype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    checksum: "ab",
    url: "",
    tags: [{ id: 1, name: "Important", color: 1 }],
    color: 0,
    author: null,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    previewable: false,
    download_url: "/api/attachments/7/download/",
    cloud_open: null,
    ...overrides,
  };
}

const synced = (overrides: Partial<Attachment> = {}) =>
  attachment({
    kind: "url",
    url: "/api/cloud/2/Contracts/offer.docx?v=e1",
    cloud_open: "/api/attachments/7/open-in-cloud/",
    ...overrides,
  });

afterEach(cleanup);

describe("AttachmentCard", () => {
  it("links a synced file to its cloud in a new tab, without handing over this page", () => {
    render(<AttachmentCard attachment={synced()} onPreview={vi.fn()} />);
    const card = screen.getByRole("article", { name: "offer.docx" });
    const link = within(card).getByRole("link", { name: "Open offer.docx in cloud" });
    expect(link.getAttribute("href")).toBe("/api/attachments/7/open-in-cloud/");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(within(card).getByText("synced")).toBeTruthy();
    // the type, not LINK: the bytes are the file's, kept in the cloud
    expect(card.querySelector(".thumb-type")?.textContent).toBe("DOCX");
    // without a preview the thumbnail opens the cloud too (a mouse shortcut, out of the tab order)
    const thumb = card.querySelector("a.thumb");
    expect(thumb?.getAttribute("href")).toBe("/api/attachments/7/open-in-cloud/");
    expect(thumb?.getAttribute("tabindex")).toBe("-1");
  });

  it("offers no cloud link for a file that is not synced", () => {
    render(<AttachmentCard attachment={attachment()} onPreview={vi.fn()} />);
    const card = screen.getByRole("article", { name: "offer.docx" });
    expect(within(card).queryByRole("link", { name: /in cloud/ })).toBeNull();
    expect(card.querySelector("a.thumb")).toBeNull();
    expect(within(card).queryByText("synced")).toBeNull();
    expect(within(card).getByRole("link", { name: "Download offer.docx" })).toBeTruthy();
  });

  it("previews a previewable synced file from its thumbnail and still links the cloud", () => {
    const onPreview = vi.fn();
    const picture = synced({ name: "plan.png", mimetype: "image/png", previewable: true });
    render(<AttachmentCard attachment={picture} onPreview={onPreview} />);
    fireEvent.click(screen.getByRole("button", { name: "Preview plan.png" }));
    expect(onPreview).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("link", { name: "Open plan.png in cloud" })).toBeTruthy();
  });

  it("has the file manager's selection, drag and details, and the box's delete, when given", () => {
    const onToggle = vi.fn();
    const onDetails = vi.fn();
    const onDelete = vi.fn();
    const onDragStart = vi.fn();
    render(
      <AttachmentCard
        attachment={attachment()}
        selected
        onToggle={onToggle}
        onDragStart={onDragStart}
        onPreview={vi.fn()}
        onDetails={onDetails}
        onDelete={onDelete}
      />,
    );
    const card = screen.getByRole("article", { name: "offer.docx" });
    expect(card.className).toContain("selected");
    expect(card.getAttribute("draggable")).toBe("true");
    fireEvent.click(screen.getByRole("checkbox", { name: "Select offer.docx" }));
    expect(onToggle).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole("button", { name: "Details of offer.docx" }));
    fireEvent.click(screen.getByRole("button", { name: "Details" }));
    expect(onDetails).toHaveBeenCalledTimes(2);
    fireEvent.click(screen.getByRole("button", { name: "Delete offer.docx" }));
    expect(onDelete).toHaveBeenCalledTimes(1);
    fireEvent.dragStart(card);
    expect(onDragStart).toHaveBeenCalledTimes(1);
  });

  it("is a plain card in the box: no checkbox, no drag, no details, folder shown only on request", () => {
    render(<AttachmentCard attachment={attachment()} showFolder={false} onPreview={vi.fn()} />);
    const card = screen.getByRole("article", { name: "offer.docx" });
    expect(screen.queryByRole("checkbox")).toBeNull();
    expect(card.getAttribute("draggable")).toBeNull();
    expect(screen.queryByRole("button")).toBeNull();
    expect(card.textContent).not.toContain("Contracts");
  });
});
