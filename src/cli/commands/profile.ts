// `kizuna profile`: the shop's sender identity as its messages show it (name, address and contact are
// required in promotional mail by 特定電子メール法). Mirrors /v1/shop/profile; from the command line one
// field can be changed without retyping the others.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/zod-errors.js";
import { resolveShop } from "../../shops/index.js";
import {
  loadShopForMessages,
  type ShopProfile,
  saveShopProfile,
  shopProfileSchema,
} from "../../shops/profile.js";
import { withInstance } from "../instance.js";
import { printJson } from "../output.js";

interface ProfileOptions {
  shop?: string;
  json?: boolean;
  file?: string;
  url?: string;
  address?: string;
  email?: string;
  phone?: string;
  memberPageUrl?: string;
  cartUrl?: string;
}

const FIELDS = ["url", "address", "email", "phone", "memberPageUrl", "cartUrl"] as const;
/** Optional fields an empty value removes. */
const REMOVABLE = new Set<string>(["phone", "memberPageUrl", "cartUrl"]);

function readProfileFile(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw ValidationError.field("file", `cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw ValidationError.field("file", "must hold a JSON object");
  return value as Record<string, unknown>;
}

/** The file (or else the stored profile) with the options given laid over it. */
function mergedProfile(stored: ShopProfile | null, opts: ProfileOptions): Record<string, unknown> {
  const profile: Record<string, unknown> = opts.file ? readProfileFile(opts.file) : { ...stored };
  for (const field of FIELDS) {
    const value = opts[field];
    if (value === undefined) continue;
    if (value.trim() === "" && REMOVABLE.has(field)) delete profile[field];
    else profile[field] = value;
  }
  return profile;
}

function printProfile(shopId: number, name: string, profile: ShopProfile | null): void {
  console.log(`shop ${shopId} "${name}"`);
  if (!profile) {
    console.log("  no sender identity yet: promotional mail cannot go out until `kizuna profile set` is run");
    return;
  }
  const rows: Array<[string, string | undefined]> = [
    ["url", profile.url],
    ["address", profile.address],
    ["email", profile.email],
    ["phone", profile.phone],
    ["member page", profile.memberPageUrl],
    ["cart", profile.cartUrl],
  ];
  for (const [label, value] of rows) if (value) console.log(`  ${`${label}:`.padEnd(13)}${value}`);
}

export function registerProfileCommand(program: Command): void {
  const profile = program
    .command("profile")
    .description("the shop's sender identity (required for promotional email)");

  profile
    .command("show")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print {name, profile} as JSON")
    .description("show the sender identity messages carry")
    .action(async (opts: ProfileOptions) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const loaded = await loadShopForMessages(db, shop.id);
        if (!loaded) throw new NotFoundError("shop");
        if (opts.json) return printJson({ name: loaded.name, profile: loaded.profile });
        printProfile(shop.id, loaded.name, loaded.profile);
      });
    });

  profile
    .command("set")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--file <file>", "the whole profile as JSON (replaces the stored one)")
    .option("--url <url>", "the shop's site")
    .option("--address <address>", "postal address shown in promotional mail")
    .option("--email <email>", "contact address")
    .option("--phone <phone>", 'contact phone ("" removes it)')
    .option("--member-page-url <url>", 'the member page ("" removes it)')
    .option("--cart-url <url>", 'where a cart reminder leads (default: <url>/cart; "" removes it)')
    .option("--json", "print the stored profile as JSON")
    .description("set the sender identity; options change single fields of the stored one")
    .action(async (opts: ProfileOptions) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const loaded = await loadShopForMessages(db, shop.id);
        if (!loaded) throw new NotFoundError("shop");
        const saved = parseOrThrow(shopProfileSchema, mergedProfile(loaded.profile, opts));
        await saveShopProfile(db, shop.id, saved);
        if (opts.json) return printJson(saved);
        printProfile(shop.id, loaded.name, saved);
      });
    });
}
