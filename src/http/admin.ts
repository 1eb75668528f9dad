// The admin SPA at "/": the built files of web/ (dist/web), with every other page address answered by
// its index.html so that a reload or a bookmark of /settings/members opens the app there. When the
// admin has not been built, "/" says how to build it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RoutePlugin } from "./context.js";

/**
 * dist/web, seen from dist/src/http (the built server) or from src/http (tests run the sources);
 * KIZUNA_ADMIN_DIR serves another build of web/ (a customised admin, or a test's own build).
 */
export function adminDirectory(): string {
  if (process.env.KIZUNA_ADMIN_DIR) return resolve(process.env.KIZUNA_ADMIN_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  const built = here.includes(`${sep}dist${sep}src${sep}`);
  return resolve(here, built ? "../../web" : "../../dist/web");
}

// The admin loads nothing from elsewhere and is never framed: a page injected into it can't phone home.
const ADMIN_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-cache",
};

const NOT_BUILT = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kizuna</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6">
<h1>Kizuna 絆</h1>
<p>管理画面がビルドされていません: <code>npm run build</code> を実行してください。The admin has not been built: run <code>npm run build</code>.</p>
<p><a href="/docs">API リファレンス / API reference</a></p>
</body></html>`;

/** Addresses that belong to the server, never to the SPA's pages. */
const SERVER_PREFIXES = [
  "/v1/",
  "/docs",
  "/hooks/",
  "/webhooks/",
  "/u/",
  "/p/",
  "/c/",
  "/t/",
  "/s/",
  "/assets/",
];

export function isAdminPage(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const path = request.url.split("?")[0];
  if (SERVER_PREFIXES.some((p) => path.startsWith(p))) return false;
  return (request.headers.accept ?? "").includes("text/html");
}

let indexHtml: string | undefined;

/** Read once: the build does not change under a running server. */
function adminIndexHtml(): string {
  if (indexHtml === undefined) {
    const path = resolve(adminDirectory(), "index.html");
    indexHtml = existsSync(path) ? readFileSync(path, "utf8") : NOT_BUILT;
  }
  return indexHtml;
}

/** Answers with the admin's index.html (at "/", and for the SPA's own pages the router does not know). */
export function sendAdminIndex(reply: FastifyReply): FastifyReply {
  return reply.headers(ADMIN_HEADERS).type("text/html; charset=utf-8").send(adminIndexHtml());
}

export const adminRoutes: RoutePlugin = async (app) => {
  const assets = resolve(adminDirectory(), "assets");
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: "/assets/",
      // Only the files of the build, each a route: no directory listing, no path tricks.
      wildcard: false,
      index: false,
      // File names carry a content hash: a new build is a new name.
      immutable: true,
      maxAge: "365d",
    });
  }
  app.get("/", { schema: { hide: true } }, async (_request, reply) => sendAdminIndex(reply));
};
