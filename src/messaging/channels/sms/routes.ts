// The short links in SMS: /s/<code> sends the recipient on to the stored URL and records the click.
// A code we did not issue gets a plain "not found" page, never a redirect: the route cannot be used to
// send people anywhere but where a shop's own message pointed.
import { toIso } from "../../../core/clock.js";
import { type Db, inTransaction } from "../../../db/index.js";
import type { RoutePlugin } from "../../../http/context.js";
import { recordMessageEvents } from "../../outbox.js";
import { SHORT_CODE } from "./short-links.js";

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>リンクが見つかりません / Link not found</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6">
<h1>リンクが見つかりません</h1>
<p>このリンクは無効です。メッセージのリンクをもう一度ご確認ください。</p>
<p lang="en">This link is not valid. Please check the link in your message.</p>
</body>
</html>`;

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** The click event, and clicked_at on the message when this is its first click. */
async function recordClick(
  db: Db,
  link: { shop_id: number; message_id: number; url: string },
  at: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await recordMessageEvents(trx, [
      { shopId: link.shop_id, messageId: link.message_id, type: "click", detail: { url: link.url }, at },
    ]);
    await trx
      .updateTable("messages")
      .set({ clicked_at: at })
      .where("id", "=", link.message_id)
      .where("shop_id", "=", link.shop_id)
      .where("clicked_at", "is", null)
      .execute();
  });
}

export const smsRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db, clock, logger } = ctx;

  app.get<{ Params: { code: string } }>("/s/:code", { schema: { hide: true } }, async (request, reply) => {
    reply.header("cache-control", "no-store").header("x-robots-tag", "noindex");
    const { code } = request.params;
    const link = SHORT_CODE.test(code)
      ? await db
          .selectFrom("short_links")
          .select(["shop_id", "message_id", "url"])
          .where("code", "=", code)
          .executeTakeFirst()
      : undefined;
    if (!link || !isWebUrl(link.url)) {
      return reply.code(404).type("text/html; charset=utf-8").send(NOT_FOUND_PAGE);
    }
    // HEAD is a link checker or a preview fetcher, not a person: follow it, do not count it.
    if (request.method === "GET") {
      try {
        await recordClick(db, link, toIso(clock.now()));
      } catch (err) {
        // The recipient still gets where the message promised; only the statistic is lost.
        logger.warn({ err: (err as Error).message, messageId: link.message_id }, "sms click not recorded");
      }
    }
    return reply.header("referrer-policy", "no-referrer").redirect(link.url, 302);
  });
};
