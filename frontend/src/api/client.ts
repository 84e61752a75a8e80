/**
 * The one way the app talks to Archivist's REST API: same-origin requests with the Django
 * session cookie, the CSRF token on every unsafe request, JSON in and out, and errors turned
 * into `ApiError` with the message the API gave (`detail`, or the first field error).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match?.[1] ? decodeURIComponent(match[1]) : "";
}

/** The sentence to show for an API error body: `detail`, or "field: message" of the first field. */
export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.detail === "string") return record.detail;
    for (const [field, value] of Object.entries(record)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === "string") return field === "non_field_errors" ? first : `${field}: ${first}`;
    }
  }
  return `the server answered ${status}`;
}

type Query = Record<string, string | number | boolean | undefined | null | readonly number[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(","));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function parse(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") ?? "";
  return type.includes("json") ? response.json() : response.text();
}

function signInAgain(): void {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/login/?next=${next}`);
}

export async function request<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken();
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    body,
    credentials: "same-origin",
  });
  const payload = await parse(response);
  if (!response.ok) {
    if (response.status === 403 && isSignedOut(payload)) signInAgain();
    throw new ApiError(response.status, errorMessage(response.status, payload), payload);
  }
  return payload as T;
}

function isSignedOut(payload: unknown): boolean {
  const detail = (payload as { detail?: unknown } | null)?.detail;
  return typeof detail === "string" && detail.includes("credentials were not provided");
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, { body }),
  delete: <T>(path: string) => request<T>("DELETE", path),
};

/** A POST whose answer is a file (a ZIP of a selection): saved under the server's name. */
export async function postForFile(path: string, body: unknown, fallbackName: string): Promise<void> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (!response.ok) {
    const payload = await parse(response);
    throw new ApiError(response.status, errorMessage(response.status, payload), payload);
  }
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = fileNameOf(disposition) ?? fallbackName;
  saveBlob(await response.blob(), name);
}

export function fileNameOf(disposition: string): string | null {
  const encoded = disposition.match(/filename\*=UTF-8''([^;]+)/i);
  if (encoded?.[1]) return decodeURIComponent(encoded[1]);
  const plain = disposition.match(/filename="([^"]+)"/i);
  return plain?.[1] ?? null;
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Starts a browser download of a GET URL (a folder's, tag's or share's streamed ZIP). */
export function downloadUrl(url: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = "";
  document.body.append(link);
  link.click();
  link.remove();
}

export interface UploadHandle {
  done: Promise<unknown>;
  abort: () => void;
}

/**
 * Uploads one file as multipart (`file` plus `fields`) with XMLHttpRequest, the browser API that
 * reports upload progress: `onProgress(sent, total)` as bytes leave.
 */
export function uploadFile(
  path: string,
  file: File,
  fields: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append("file", file, file.name);
  return sendWithProgress(path, form, {}, onProgress);
}

/** Uploads one file as the request body itself (no form to build or parse), with progress. */
export function uploadRaw(
  path: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  return sendWithProgress(path, file, { "Content-Type": file.type || "application/octet-stream" }, onProgress);
}

function sendWithProgress(
  path: string,
  body: XMLHttpRequestBodyInit,
  headers: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<unknown>((resolve, reject) => {
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener("load", () => {
      let answer: unknown = xhr.responseText;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        // not JSON (a proxy's error page): keep the text
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(answer);
      else reject(new ApiError(xhr.status, errorMessage(xhr.status, answer), answer));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "the upload was interrupted", null)));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "the upload was cancelled", null)));
  });
  xhr.open("POST", path);
  xhr.setRequestHeader("X-CSRFToken", csrfToken());
  xhr.setRequestHeader("Accept", "application/json");
  for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
  xhr.send(body);
  return { done, abort: () => xhr.abort() };
}
