// Form bodies for the recipient pages, parsed into URLSearchParams (no object keys, so no prototype
// tricks): browsers post application/x-www-form-urlencoded, and RFC 8058 one-click senders post
// either that or multipart/form-data. Registered inside the preference plugin only, so the JSON API
// keeps refusing form bodies.
import type { FastifyInstance } from "fastify";

/** Pages post a few short fields; anything bigger is not ours. */
const FORM_BODY_LIMIT = 64 * 1024;
/** At most this many multipart parts are looked at. */
const MAX_PARTS = 50;

const URLENCODED = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

/** The multipart boundary of a Content-Type header, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? "");
  return match ? (match[1] ?? match[2]) : null;
}

/**
 * The plain fields of a multipart/form-data body. Deliberately small: no files, no encodings, just
 * `name="…"` parts with text values, which is all a one-click sender posts.
 */
export function multipartFields(body: string, boundary: string): URLSearchParams {
  const fields = new URLSearchParams();
  const parts = body.split(`--${boundary}`).slice(1, MAX_PARTS + 1);
  for (const part of parts) {
    if (part.startsWith("--")) break;
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? "";
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || /(?:^|;)\s*filename\*?=/i.test(disposition)) continue;
    fields.append(name, part.slice(split + 4).replace(/\r\n$/, ""));
  }
  return fields;
}

/** Adds the two form parsers to this (encapsulated) plugin, unless an app-wide one already exists. */
export function registerFormParsers(app: FastifyInstance): void {
  const options = { parseAs: "string" as const, bodyLimit: FORM_BODY_LIMIT };
  if (!app.hasContentTypeParser(URLENCODED)) {
    app.addContentTypeParser(URLENCODED, options, (_request, body, done) => {
      done(null, new URLSearchParams(String(body)));
    });
  }
  if (!app.hasContentTypeParser(MULTIPART)) {
    app.addContentTypeParser(MULTIPART, options, (request, body, done) => {
      const boundary = multipartBoundary(request.headers["content-type"]);
      done(null, boundary ? multipartFields(String(body), boundary) : new URLSearchParams());
    });
  }
}

/**
 * The fields of a request body: what the parsers above made, what an app-wide form parser made (an
 * object of strings or string arrays), or nothing for any other body.
 */
export function formFields(body: unknown): URLSearchParams {
  if (body instanceof URLSearchParams) return body;
  const fields = new URLSearchParams();
  if (body === null || typeof body !== "object" || Array.isArray(body)) return fields;
  for (const [name, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") fields.append(name, v);
  }
  return fields;
}

/** RFC 8058: the mailbox provider's POST carries exactly this field. */
export function isOneClickUnsubscribe(fields: URLSearchParams): boolean {
  return fields.get("List-Unsubscribe") === "One-Click";
}
