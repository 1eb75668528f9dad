// `kizuna channel`: a shop's delivery channels — provider, settings and credentials (sealed with the
// instance secret the server uses; read from a file or stdin, never from argv, which shell history and
// `ps` keep), the connection test, and resuming a channel that paused itself. Mirrors /v1/channels.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import { CHANNELS, type Channel } from "../../db/index.js";
import {
  type ChannelSettingsView,
  getChannelSettings,
  resumeChannel,
  saveChannelSettings,
  testChannel,
} from "../../messaging/channels/settings.js";
import { resolveShop } from "../../shops/index.js";
import { ensureInstanceSecret } from "../../shops/instance.js";
import { withInstance } from "../instance.js";
import { printJson } from "../output.js";

interface ShopOptions {
  shop?: string;
  json?: boolean;
}

interface SetOptions extends ShopOptions {
  provider: string;
  settings?: string;
  settingsFile?: string;
  secretsFile?: string;
  secretsStdin?: boolean;
}

function channelOf(text: string): Channel {
  const channel = CHANNELS.find((c) => c === text);
  if (!channel)
    throw ValidationError.field("channel", `must be one of ${CHANNELS.join(", ")}, not "${text}"`);
  return channel;
}

function readText(file: string, field: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw ValidationError.field(field, `cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * A JSON object from text. For secrets the parser's message is left out: it quotes the text it choked on,
 * which would print a password to the terminal.
 */
function jsonObject(text: string, field: string, quoteErrors: boolean): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw ValidationError.field(
      field,
      quoteErrors ? `not JSON: ${(err as Error).message}` : "not valid JSON",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw ValidationError.field(field, "must be a JSON object");
  return value as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("reading the secrets as JSON from stdin (end with Ctrl-D)\n");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** The secrets given, or undefined to keep the stored ones (as the API does when `secrets` is omitted). */
async function secretsFrom(opts: SetOptions): Promise<Record<string, unknown> | undefined> {
  if (opts.secretsFile !== undefined && opts.secretsStdin)
    throw ValidationError.field("secrets", "pass --secrets-file or --secrets-stdin, not both");
  if (opts.secretsFile !== undefined)
    return jsonObject(readText(opts.secretsFile, "secrets"), "secrets", false);
  if (opts.secretsStdin) return jsonObject(await readStdin(), "secrets", false);
  return undefined;
}

/** The settings given, or undefined to keep the stored ones. */
function settingsFrom(opts: SetOptions): Record<string, unknown> | undefined {
  if (opts.settings !== undefined && opts.settingsFile !== undefined)
    throw ValidationError.field("settings", "pass --settings or --settings-file, not both");
  if (opts.settings !== undefined) return jsonObject(opts.settings, "settings", true);
  if (opts.settingsFile !== undefined)
    return jsonObject(readText(opts.settingsFile, "settings"), "settings", true);
  return undefined;
}

function printChannel(view: ChannelSettingsView): void {
  console.log(`${view.channel}: ${view.provider}`);
  console.log(`  settings: ${JSON.stringify(view.settings)}`);
  console.log(
    `  secrets:  ${view.secretsSet.length > 0 ? `${view.secretsSet.join(", ")} (stored sealed)` : "none"}`,
  );
  console.log(`  paused:   ${view.paused ? `since ${view.paused.at}: ${view.paused.reason}` : "no"}`);
  console.log(`  updated:  ${view.updatedAt}`);
}

export function registerChannelCommand(program: Command): void {
  const channel = program
    .command("channel")
    .description("a shop's delivery channels: provider, settings, credentials, connection test");
  const withShop = (c: Command) => c.option("--shop <id>", "shop id (default: the only shop)");

  withShop(channel.command("list"))
    .option("--json", "print as JSON")
    .description("each configured channel: provider, settings, which credentials are set, paused or not")
    .action(async (opts: ShopOptions) => {
      await withInstance(async ({ db, config }) => {
        const shop = await resolveShop(db, opts.shop);
        const secret = await ensureInstanceSecret(db, config.secret);
        const views = await Promise.all(CHANNELS.map((c) => getChannelSettings(db, shop.id, c, secret)));
        const channels = views.filter((v) => v !== null);
        if (opts.json) return printJson({ channels });
        if (channels.length === 0) return console.log(`shop ${shop.id} has no channel set up`);
        for (const view of channels) printChannel(view);
      });
    });

  withShop(channel.command("set").argument("<channel>", CHANNELS.join(", ")))
    .requiredOption("--provider <name>", "smtp (email), line, twilio or http (sms), web-push (push)")
    .option("--settings <json>", "the provider's settings as JSON (default: keep the stored ones)")
    .option("--settings-file <file>", "the provider's settings from a JSON file")
    .option("--secrets-file <file>", "credentials from a JSON file (default: keep the stored ones)")
    .option("--secrets-stdin", "credentials as JSON from stdin")
    .option("--json", "print the stored settings as JSON")
    .description("set a channel's provider, settings and credentials; saving lifts an automatic pause")
    .action(async (name: string, opts: SetOptions) => {
      const target = channelOf(name);
      const settings = settingsFrom(opts);
      const secrets = await secretsFrom(opts);
      await withInstance(async ({ db, config }) => {
        const shop = await resolveShop(db, opts.shop);
        const secret = await ensureInstanceSecret(db, config.secret);
        const stored = settings ? null : await getChannelSettings(db, shop.id, target, secret);
        const saved = await saveChannelSettings(db, systemClock, secret, shop.id, target, {
          provider: opts.provider,
          settings: settings ?? (stored?.provider === opts.provider ? stored.settings : {}),
          secrets,
        });
        if (opts.json) return printJson(saved);
        printChannel(saved);
      });
    });

  withShop(channel.command("test").argument("<channel>", CHANNELS.join(", ")))
    .option("--json", "print {ok, error} as JSON")
    .description("check the connection and credentials without sending: exits 1 if they fail")
    .action(async (name: string, opts: ShopOptions) => {
      const target = channelOf(name);
      await withInstance(async ({ db, config }) => {
        const shop = await resolveShop(db, opts.shop);
        const secret = await ensureInstanceSecret(db, config.secret);
        const result = await testChannel(db, secret, shop.id, target);
        if (!result.ok) process.exitCode = 1;
        if (opts.json) return printJson(result);
        if (result.ok) console.log("ok");
        else process.stderr.write(`error: ${target} test failed: ${result.error}\n`);
      });
    });

  withShop(channel.command("resume").argument("<channel>", CHANNELS.join(", ")))
    .option("--json", "print the channel's settings as JSON")
    .description("resume a channel that paused itself; its waiting messages go out again")
    .action(async (name: string, opts: ShopOptions) => {
      const target = channelOf(name);
      await withInstance(async ({ db, config }) => {
        const shop = await resolveShop(db, opts.shop);
        const secret = await ensureInstanceSecret(db, config.secret);
        if (!(await resumeChannel(db, systemClock, shop.id, target)))
          throw new NotFoundError(`${target} settings`);
        const view = (await getChannelSettings(db, shop.id, target, secret))!;
        if (opts.json) return printJson(view);
        printChannel(view);
      });
    });
}
