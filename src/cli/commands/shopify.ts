// `kizuna shopify connect|status|disconnect`: connect a shop's Shopify store without the API.
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import type { Db } from "../../db/index.js";
import {
  connectedShopIds,
  connectShopify,
  disconnectShopify,
  type ShopifyStatus,
  shopifyStatus,
} from "../../integrations/shopify/index.js";
import { resolveShop } from "../../shops/index.js";
import { ensureInstanceSecret } from "../../shops/instance.js";
import type { Instance } from "../instance.js";
import { withInstance } from "../instance.js";
import { printJson } from "../output.js";

/** How Shopify reaches this instance: PUBLIC_URL, or the local address as a placeholder. */
function baseUrlOf(instance: Instance): string {
  return instance.config.publicUrl ?? `http://localhost:${instance.config.port}`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8").trim();
}

function printStatus(status: ShopifyStatus, shopId: number, withoutPublicUrl: boolean): void {
  const w = status.webhooks;
  console.log(`shop ${shopId}: ${status.connected ? `connected to ${status.shopDomain}` : "not connected"}`);
  console.log(`  webhook secret: ${status.webhookSecretSet ? "set (stored encrypted)" : "not set"}`);
  console.log(`  webhook URL:    ${status.webhookUrl}`);
  if (withoutPublicUrl) console.log("                  (set PUBLIC_URL to the address Shopify can reach)");
  console.log(
    `  webhooks:       ${w.received} received (${w.byOutcome.processed} processed, ${w.byOutcome.ignored} ignored, ` +
      `${w.byOutcome.stale} stale, ${w.byOutcome.failed} failed)` +
      (w.lastReceivedAt ? `, last at ${w.lastReceivedAt}` : ""),
  );
}

async function statusOf(db: Db, instance: Instance, shopId: number) {
  return shopifyStatus(db, shopId, baseUrlOf(instance));
}

export function registerShopifyCommand(program: Command): void {
  const shopify = program.command("shopify").description("connect a shop to its Shopify store (webhooks)");

  shopify
    .command("connect")
    .description("store the Shopify store domain and webhook signing secret for a shop")
    .option("--shop <id>", "shop id (default: the only shop)")
    .requiredOption("--domain <domain>", "the store's myshopify.com domain, e.g. kizuna-cosme.myshopify.com")
    .option("--secret <secret>", 'the app\'s client secret that signs webhooks; "-" reads it from stdin')
    .option("--json", "print the connection status as JSON")
    .action(async (opts: { shop?: string; domain: string; secret?: string; json?: boolean }) => {
      const webhookSecret = opts.secret === "-" ? await readStdin() : opts.secret;
      if (webhookSecret === "") throw ValidationError.field("secret", "is empty");
      await withInstance(async (instance) => {
        const { db, config } = instance;
        const shop = await resolveShop(db, opts.shop);
        const secret = await ensureInstanceSecret(db, config.secret);
        await connectShopify(db, systemClock, secret, shop.id, { shopDomain: opts.domain, webhookSecret });
        const status = await statusOf(db, instance, shop.id);
        if (opts.json) return printJson({ shopId: shop.id, ...status });
        printStatus(status, shop.id, !config.publicUrl);
        console.log(`  subscribe to:   ${status.topics.join(", ")}`);
      });
    });

  shopify
    .command("status")
    .description("show the Shopify connection of a shop (or of every connected shop)")
    .option("--shop <id>", "shop id (default: every connected shop)")
    .option("--json", "print as JSON")
    .action(async (opts: { shop?: string; json?: boolean }) => {
      await withInstance(async (instance) => {
        const { db, config } = instance;
        const shopIds = opts.shop ? [(await resolveShop(db, opts.shop)).id] : await connectedShopIds(db);
        const statuses = [];
        for (const shopId of shopIds) statuses.push({ shopId, ...(await statusOf(db, instance, shopId)) });
        if (opts.json) return printJson({ shops: statuses });
        if (statuses.length === 0) return console.log("no shop is connected to Shopify");
        for (const s of statuses) printStatus(s, s.shopId, !config.publicUrl);
      });
    });

  shopify
    .command("disconnect")
    .description("forget a shop's Shopify connection; its webhooks are refused from then on")
    .option("--shop <id>", "shop id (default: the only shop)")
    .action(async (opts: { shop?: string }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const removed = await disconnectShopify(db, shop.id);
        console.log(
          removed ? `shop ${shop.id} disconnected from Shopify` : `shop ${shop.id} was not connected`,
        );
      });
    });
}
