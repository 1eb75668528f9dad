// Where recipients' mail clients come back: the open pixel and click redirects. Both carry a signed
// token; a click goes only to the URL that was signed into its token, so the endpoint is never an open
// redirect, and a tampered or unsigned link is refused.
import type { FastifyInstance } from "fastify";
import { toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";
import type { RoutePlugin } from "../http/context.js";
import { verifyToken } from "./links.js";
import { recordMessageEvents } from "./outbox.js";

// The smallest transparent GIF.
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** Records an open or a click once per request; the first of each also stamps the message. */
async function recordEngagement(
  db: Db,
  shopId: number,
  messageId: number,
  type: "open" | "click",
  at: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  const message = await db
    .selectFrom("messages")
    .select(["id", "opened_at", "clicked_at"])
    .where("shop_id", "=", shopId)
    .where("id", "=", messageId)
    .executeTakeFirst();
  if (!message) return;
  await recordMessageEvents(db, [{ shopId, messageId, type, detail, at }]);
  // A click proves the message was opened, even when images were blocked.
  const stamp: { opened_at?: string; clicked_at?: string } = {};
  if (!message.opened_at) stamp.opened_at = at;
  if (type === "click" && !message.clicked_at) stamp.clicked_at = at;
  if (Object.keys(stamp).length > 0) {
    await db.updateTable("messages").set(stamp).where("id", "=", messageId).execute();
  }
}

export const trackingRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = instance as FastifyInstance;
  const { db, clock, secret } = ctx;

  app.get<{ Params: { token: string } }>(
    "/t/o/:token",
    { config: { auth: "none" }, schema: { hide: true } },
    async (request, reply) => {
      const token = request.params.token.replace(/\.gif$/, "");
      const fields = verifyToken(secret, "open", token);
      if (fields && typeof fields[0] === "number" && typeof fields[1] === "number") {
        await recordEngagement(db, fields[0], fields[1], "open", toIso(clock.now()));
      }
      // The pixel is answered either way: a mail client shows no broken image.
      return reply
        .header("Content-Type", "image/gif")
        .header("Cache-Control", "no-store, max-age=0")
        .send(PIXEL);
    },
  );

  app.get<{ Params: { token: string } }>(
    "/t/c/:token",
    { config: { auth: "none" }, schema: { hide: true } },
    async (request, reply) => {
      const fields = verifyToken(secret, "click", request.params.token);
      const [shopId, messageId, url] = fields ?? [];
      if (
        typeof shopId !== "number" ||
        typeof messageId !== "number" ||
        typeof url !== "string" ||
        !/^https?:\/\//i.test(url)
      ) {
        return reply
          .code(400)
          .header("Content-Type", "text/plain; charset=utf-8")
          .send("This link is not valid. / このリンクは無効です。");
      }
      await recordEngagement(db, shopId, messageId, "click", toIso(clock.now()), { url });
      return reply.header("Cache-Control", "no-store").redirect(url, 302);
    },
  );
};
