import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { createShop, issueApiKey, listShops, resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

export function registerShopCommand(program: Command): void {
  const shop = program.command("shop").description("manage shops (tenants) and their API keys");

  shop
    .command("create")
    .argument("<name>", "the shop's display name")
    .option("--timezone <tz>", "IANA time zone", "Asia/Tokyo")
    .option("--currency <code>", "ISO 4217 currency", "JPY")
    .option("--locale <locale>", "ja or en", "ja")
    .option("--json", "print {id, secretKey, publicKey} as JSON")
    .description("create a shop and print its id and API keys (shown once)")
    .action(
      async (name: string, opts: { timezone: string; currency: string; locale: string; json?: boolean }) => {
        await withInstance(async ({ db }) => {
          const created = await createShop(db, systemClock, {
            name,
            timezone: opts.timezone,
            currency: opts.currency,
            locale: opts.locale,
          });
          if (opts.json) {
            printJson({ id: created.shop.id, secretKey: created.secretKey, publicKey: created.publicKey });
          } else {
            console.log(`shop ${created.shop.id} "${created.shop.name}" created`);
            console.log(`secret key (server-to-server, keep private): ${created.secretKey}`);
            console.log(`public key (storefront events only):         ${created.publicKey}`);
          }
        });
      },
    );

  shop
    .command("list")
    .option("--json", "print as JSON")
    .description("list the shops of this instance")
    .action(async (opts: { json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const shops = await listShops(db);
        if (opts.json) return printJson({ shops });
        console.log(
          formatTable(
            shops.map((s) => ({ id: s.id, name: s.name, timezone: s.timezone, currency: s.currency })),
          ),
        );
      });
    });

  shop
    .command("key")
    .description("issue a new API key for a shop (earlier keys keep working)")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--kind <kind>", "secret or public", "secret")
    .option("--json", "print {shopId, kind, key} as JSON")
    .action(async (opts: { shop?: string; kind: string; json?: boolean }) => {
      if (opts.kind !== "secret" && opts.kind !== "public") {
        throw new Error(`--kind: must be secret or public, not "${opts.kind}"`);
      }
      const kind = opts.kind;
      await withInstance(async ({ db }) => {
        const target = await resolveShop(db, opts.shop);
        const key = await issueApiKey(db, systemClock, target.id, kind);
        if (opts.json) printJson({ shopId: target.id, kind, key });
        else console.log(`${kind} key for shop ${target.id}: ${key}`);
      });
    });
}
