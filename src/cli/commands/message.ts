// `kizuna message show`: one message — where it is, how many attempts, why — and every state it went
// through, with times in the shop's time zone (the support desk answers "did my mail go out?" in local
// time). Mirrors GET /v1/messages/:id.
import type { Command } from "commander";
import { DateTime } from "luxon";
import { ValidationError } from "../../core/errors.js";
import { type MessageHistory, messageHistory } from "../../messaging/history.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

/** A stored UTC time as the shop's wall clock, with the offset so it is never ambiguous. */
function shopLocalTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).setZone(zone).toFormat("yyyy-MM-dd HH:mm:ss ZZ");
}

function messageId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw ValidationError.field("id", `not a message id: "${text}"`);
  return id;
}

function printHistory(m: MessageHistory, zone: string): void {
  const local = (iso: string | null) => (iso ? shopLocalTime(iso, zone) : "-");
  console.log(
    `message ${m.id}: ${m.status} after ${m.attempts} attempt${m.attempts === 1 ? "" : "s"}` +
      ` (${m.channel}, template "${m.template}", customer ${m.customerId})`,
  );
  if (m.reason) console.log(`  reason:  ${m.reason}`);
  console.log(`  queued:  ${local(m.queuedAt)}`);
  console.log(`  sent:    ${local(m.sentAt)}`);
  if (m.openedAt) console.log(`  opened:  ${local(m.openedAt)}`);
  if (m.clickedAt) console.log(`  clicked: ${local(m.clickedAt)}`);
  console.log(`events (${zone}):`);
  console.log(
    formatTable(
      m.events.map((e) => ({ time: shopLocalTime(e.at, zone), type: e.type, reason: e.reason ?? "" })),
    ),
  );
}

export function registerMessageCommand(program: Command): void {
  const message = program.command("message").description("look up a message and its delivery history");

  message
    .command("show")
    .argument("<id>", "message id")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON (times in UTC, each event also in the shop's time: localAt)")
    .description("a message's status, attempts and reason, and every event with its time in the shop's zone")
    .action(async (id: string, opts: { shop?: string; json?: boolean }) => {
      const wanted = messageId(id);
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const history = await messageHistory(db, shop.id, wanted);
        if (opts.json) {
          return printJson({
            ...history,
            timezone: shop.timezone,
            events: history.events.map((e) => ({ ...e, localAt: shopLocalTime(e.at, shop.timezone) })),
          });
        }
        printHistory(history, shop.timezone);
      });
    });
}
