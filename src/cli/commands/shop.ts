import type { Command } from "commander";
import { listApiKeys, revokeApiKey } from "../../accounts/api-keys.js";
import { CLI_ACTOR, recordAudit } from "../../accounts/audit.js";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
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

  shop
    .command("keys")
    .description("list a shop's API keys: prefix, label, last use, revoked (never the key itself)")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON")
    .action(async (opts: { shop?: string; json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const target = await resolveShop(db, opts.shop);
        const keys = await listApiKeys(db, target.id);
        if (opts.json) return printJson({ apiKeys: keys });
        console.log(
          formatTable(
            keys.map((k) => ({
              id: k.id,
              kind: k.kind,
              prefix: `${k.prefix}…`,
              label: k.label ?? "",
              "last used": k.lastUsedAt ?? "",
              revoked: k.revokedAt ?? "",
            })),
          ),
        );
      });
    });

  shop
    .command("revoke-key")
    .argument("<id>", "the key's id (from `kizuna shop keys`)")
    .option("--shop <id>", "shop id (default: the only shop)")
    .description("revoke an API key (servers refuse it within 30 seconds)")
    .action(async (id: string, opts: { shop?: string }) => {
      const keyId = Number(id);
      if (!Number.isInteger(keyId) || keyId <= 0)
        throw ValidationError.field("id", "must be a key id (a number)");
      await withInstance(async ({ db }) => {
        const target = await resolveShop(db, opts.shop);
        const key = await revokeApiKey(db, systemClock, target.id, keyId);
        await recordAudit(db, systemClock, {
          shopId: target.id,
          actor: CLI_ACTOR,
          action: "api_key.revoke",
          target: { keyId },
        });
        console.log(`key ${key.id} (${key.prefix}…) revoked`);
      });
    });
}
