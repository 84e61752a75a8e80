import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLOSED_LINK, SharePage } from "./SharePage";

type Reply = { status: number; body: unknown };

/** Answers each fetch with the next reply for its URL and records the requests. */
function serve(replies: Record<string, Reply[]>) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, method: init?.method ?? "GET", body: init?.body ? JSON.parse(String(init.body)) : null });
      const path = url.split("?")[0]!;
      const reply = replies[path]?.shift() ?? { status: 500, body: { detail: `unexpected ${path}` } };
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
  return calls;
}

function renderPage(access: { token: string } | { id: number }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <SharePage access={access} />
    </QueryClientProvider>,
  );
}

const SUMMARY = {
  id: 7,
  name: "Board <pack>",
  expires_on: null,
  access: "token",
  permissions: {
    download: true, upload: false, upload_only: false, show_tags: false, allow_add_tags: false,
    allow_search_tags: false, show_folders: false, allow_add_folders: false,
    allow_search_folders: false, slideshow: false, show_chat: false,
  },
  upload_target: null,
  counts: { attachments: 1, folders: null, tags: null, messages: null },
  downloads_left: null,
}; // prettier-ignore

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("SharePage", () => {
  it("says only that a closed link has expired or was revoked, never where to sign in", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, assign, pathname: "/s/gone", search: "" });
    serve({ "/api/visit/gone/": [{ status: 404, body: { detail: "this link has expired or was revoked", code: "share_closed" } }] });
    renderPage({ token: "gone" });
    expect(await screen.findByRole("heading", { name: CLOSED_LINK })).toBeTruthy();
    expect(assign).not.toHaveBeenCalled();
  });

  it("asks for the password, shows a wrong one's error, then opens the share", async () => {
    const calls = serve({
      "/api/visit/abc/": [
        { status: 403, body: { detail: "this share needs its password", code: "password_required" } },
        { status: 200, body: SUMMARY },
      ],
      "/api/visit/abc/unlock/": [
        { status: 403, body: { detail: "the password is not right", code: "password_required" } },
        { status: 200, body: { unlocked: true } },
      ],
      "/api/visit/abc/attachments/": [
        {
          status: 200,
          body: {
            count: 1,
            items: [{ id: 3, name: "<b>plan</b>.pdf", mimetype: "application/pdf", size: 2048, is_file: true,
              url: "", created_at: "2026-01-02T10:00:00Z", folder: null, tags: null }],
          },
        },
      ],
    }); // prettier-ignore
    renderPage({ token: "abc" });
    const password = await screen.findByLabelText("Password");
    fireEvent.change(password, { target: { value: "wrong" } });
    fireEvent.click(screen.getByRole("button", { name: "Open the share" }));
    expect(await screen.findByText("the password is not right")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "right-one" } });
    fireEvent.click(screen.getByRole("button", { name: "Open the share" }));
    expect(await screen.findByRole("heading", { name: "Board <pack>" })).toBeTruthy();
    expect(await screen.findByText("<b>plan</b>.pdf")).toBeTruthy();
    const link = screen.getByRole("link", { name: "Download <b>plan</b>.pdf" });
    expect(link.getAttribute("href")).toBe("/api/visit/abc/attachments/3/download/");
    expect(calls.filter((call) => call.url.endsWith("/unlock/")).map((call) => call.body)).toEqual([
      { password: "wrong" },
      { password: "right-one" },
    ]);
    // Nothing the share does not allow is offered.
    expect(screen.queryByRole("button", { name: /Upload to/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "Slideshow" })).toBeNull();
    expect(screen.queryByLabelText("Message")).toBeNull();
  });

  it("shows a portal user the API's reason when a share is not theirs", async () => {
    serve({ "/api/portal/shares/9/": [{ status: 403, body: { detail: "this share is not shared with you" } }] });
    renderPage({ id: 9 });
    expect(await screen.findByRole("heading", { name: "This share is not available" })).toBeTruthy();
    expect(screen.getByText("this share is not shared with you")).toBeTruthy();
  });
});
