// `kizuna channel` and `kizuna message show` through the built bin: credentials go in from a file or
// stdin and come back only as names, sealed with the instance secret the server uses; bad settings are
// refused naming the field; the connection test talks to a real SMTP server; a paused channel resumes;
// a message's history reads in the shop's time zone.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import {
  getChannelSettings,
  openChannelSettings,
  pauseChannel,
} from "../../src/messaging/channels/settings.js";
import { BIN, type CliResult, runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";

// Every step runs the built bin as a new Node process (a second or two each, more on a busy machine).
const CLI_TEST_TIMEOUT = 120_000;
// The instance secret every run of the CLI (and the server) is given.
const INSTANCE_SECRET = "kizuna-test-instance-secret-0123456789";
const PASSWORD = "s3cret-pa55word";

/** The CLI with something piped to its stdin (runCli gives it none). */
function runCliWithStdin(args: string[], env: Record<string, string>, input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: "silent", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A port nothing listens on: bound by the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("kizuna channel", { timeout: CLI_TEST_TIMEOUT }, () => {
  let t: TestDb;
  let env: Record<string, string>;
  let dir: string;
  let sink: SmtpSink;
  let shopId: number;
  const cli = (...args: string[]) => runCli(args, env);
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const smtpSettings = (extra: Record<string, unknown> = {}) => ({
    host: "127.0.0.1",
    port: sink.port,
    fromAddress: "news@kizuna-sabo.jp",
    fromName: "きずな茶房",
    ...extra,
  });

  beforeEach(async () => {
    t = await createTestDb();
    env = { ...t.env, KIZUNA_SECRET: INSTANCE_SECRET };
    dir = mkdtempSync(join(tmpdir(), "kizuna-channel-"));
    sink = await startSmtpSink();
    const created = await cli("shop", "create", "きずな茶房", "--json");
    expect(created.code, created.stderr).toBe(0);
    shopId = JSON.parse(created.stdout).id;
  });
  afterEach(async () => {
    await sink.close();
    await t.cleanup();
  });

  it("stores credentials from a file sealed with the instance secret, and shows only their names", async () => {
    const secrets = file("smtp-secrets.json", { user: "kizuna", password: PASSWORD });
    const set = await cli(
      "channel",
      "set",
      "email",
      "--provider",
      "smtp",
      "--settings-file",
      file("smtp.json", smtpSettings()),
      "--secrets-file",
      secrets,
      "--json",
    );
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      channel: "email",
      provider: "smtp",
      settings: { host: "127.0.0.1", port: sink.port, fromName: "きずな茶房" },
      secretsSet: ["user", "password"],
      paused: null,
    });
    expect(set.stdout).not.toContain(PASSWORD);

    const listed = await cli("channel", "list", "--json");
    expect(JSON.parse(listed.stdout).channels).toEqual([
      expect.objectContaining({ channel: "email", provider: "smtp", secretsSet: ["user", "password"] }),
    ]);
    const table = await cli("channel", "list");
    expect(table.stdout).toContain("user, password (stored sealed)");
    expect(table.stdout + listed.stdout).not.toContain(PASSWORD);

    // The database holds no plaintext; the server, holding the same instance secret, opens it.
    const row = await t.db.selectFrom("channel_settings").selectAll().executeTakeFirstOrThrow();
    expect(`${row.settings} ${row.sealed_secrets}`).not.toContain(PASSWORD);
    const opened = await openChannelSettings(t.db, shopId, "email", INSTANCE_SECRET);
    expect(opened?.secrets).toEqual({ user: "kizuna", password: PASSWORD });
    const otherSecret = await runCli(["channel", "list"], {
      ...env,
      KIZUNA_SECRET: "another-instance-secret-42",
    });
    expect(otherSecret.code).toBe(1);
    expect(otherSecret.stderr).toContain("cannot be decrypted with this instance secret");

    // Changing a setting without secrets keeps the stored ones; without settings, keeps those.
    const changed = await cli(
      "channel",
      "set",
      "email",
      "--provider",
      "smtp",
      "--settings",
      '{"host":"127.0.0.1","port":2525,"fromAddress":"news@kizuna-sabo.jp","fromName":"きずな茶房"}',
      "--json",
    );
    expect(changed.code, changed.stderr).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      settings: { port: 2525 },
      secretsSet: ["user", "password"],
    });
    const rotated = await runCliWithStdin(
      ["channel", "set", "email", "--provider", "smtp", "--secrets-stdin", "--json"],
      env,
      JSON.stringify({ user: "kizuna2", password: "n3w-pa55" }),
    );
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({
      settings: { port: 2525 },
      secretsSet: ["user", "password"],
    });
    expect((await openChannelSettings(t.db, shopId, "email", INSTANCE_SECRET))?.secrets).toEqual({
      user: "kizuna2",
      password: "n3w-pa55",
    });
  });

  it("refuses bad settings naming the field, never echoes a secrets file, and stores nothing", async () => {
    const badPort = await cli(
      "channel",
      "set",
      "email",
      "--provider",
      "smtp",
      "--settings",
      JSON.stringify(smtpSettings({ port: 70000 })),
    );
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/settings\.port: /);

    const badProvider = await cli(
      "channel",
      "set",
      "email",
      "--provider",
      "carrier-pigeon",
      "--settings",
      "{}",
    );
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toContain("provider: ");

    const badChannel = await cli("channel", "set", "fax", "--provider", "smtp", "--settings", "{}");
    expect(badChannel.code).toBe(2);
    expect(badChannel.stderr).toContain("channel: ");

    const notJson = await cli(
      "channel",
      "set",
      "email",
      "--provider",
      "smtp",
      "--settings",
      JSON.stringify(smtpSettings()),
      "--secrets-file",
      file("broken.json", `{ "password": ${PASSWORD} }`),
    );
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain("secrets: not valid JSON");
    expect(notJson.stderr).not.toContain(PASSWORD);

    expect(await t.db.selectFrom("channel_settings").selectAll().execute()).toEqual([]);
  });

  it("tests the connection against a real SMTP server: ok, or exit 1 with the error", async () => {
    const setWith = (settings: Record<string, unknown>) =>
      cli(
        "channel",
        "set",
        "email",
        "--provider",
        "smtp",
        "--settings",
        JSON.stringify(settings),
        "--secrets-file",
        file("none.json", {}),
      );
    const set = await setWith(smtpSettings());
    expect(set.code, set.stderr).toBe(0);
    const ok = await cli("channel", "test", "email");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe("ok");

    expect((await setWith(smtpSettings({ port: await closedPort() }))).code).toBe(0);
    const refused = await cli("channel", "test", "email");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/email test failed: .*(ECONNREFUSED|connect)/);
    const asJson = await cli("channel", "test", "email", "--json");
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    });

    const unset = await cli("channel", "test", "sms");
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("sms settings not found");
  });

  it("shows a paused channel with its reason and resumes it", async () => {
    await cli("channel", "set", "email", "--provider", "smtp", "--settings", JSON.stringify(smtpSettings()));
    await pauseChannel(t.db, systemClock, shopId, "email", "smtp 535: authentication failed");
    const listed = await cli("channel", "list");
    expect(listed.stdout).toMatch(/paused: +since .*: smtp 535: authentication failed/);

    const resumed = await cli("channel", "resume", "email", "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ channel: "email", paused: null });
    expect((await getChannelSettings(t.db, shopId, "email", INSTANCE_SECRET))?.paused).toBeNull();

    const never = await cli("channel", "resume", "line");
    expect(never.code).toBe(2);
    expect(never.stderr).toContain("line settings not found");
  });
});

describe("kizuna message show", { timeout: CLI_TEST_TIMEOUT }, () => {
  let t: TestDb;
  let env: Record<string, string>;
  beforeEach(async () => {
    t = await createTestDb();
    env = { ...t.env, KIZUNA_SECRET: INSTANCE_SECRET };
  });
  afterEach(async () => t.cleanup());

  it("shows a message's status, attempts, reason and history in the shop's time zone", async () => {
    const shop = JSON.parse((await runCli(["shop", "create", "きずな茶房", "--json"], env)).stdout);
    const customer = await t.db
      .insertInto("customers")
      .values({
        shop_id: shop.id,
        external_id: "aoi",
        email: "aoi@example.jp",
        last_name: "青井",
        attributes: "{}",
        created_at: "2026-06-01T02:00:00.000Z",
        updated_at: "2026-06-01T02:00:00.000Z",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const message = await t.db
      .insertInto("messages")
      .values({
        shop_id: shop.id,
        customer_id: customer.id,
        channel: "email",
        template_key: "new-tea",
        message_class: "promotional",
        status: "deferred",
        status_reason: "smtp 451: try later",
        idempotency_key: "campaign:1:aoi",
        payload: "{}",
        queued_at: "2026-06-01T03:00:00.000Z",
        updated_at: "2026-06-01T03:05:00.000Z",
        due_at: "2026-06-01T03:10:00.000Z",
        attempts: 2,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const event = (type: string, at: string, reason: string | null = null) => ({
      shop_id: shop.id,
      message_id: message.id,
      type,
      reason,
      detail: null,
      at,
    });
    await t.db
      .insertInto("message_events")
      .values([
        event("rendering", "2026-06-01T03:00:01.000Z"),
        event("sending", "2026-06-01T03:00:02.000Z"),
        event("deferred", "2026-06-01T03:00:03.000Z", "smtp 451: try later"),
        event("sending", "2026-06-01T15:04:00.000Z"),
        event("deferred", "2026-06-01T15:04:05.000Z", "smtp 451: try later"),
      ])
      .execute();

    const shown = await runCli(["message", "show", String(message.id)], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`message ${message.id}: deferred after 2 attempts`);
    expect(shown.stdout).toContain("reason:  smtp 451: try later");
    expect(shown.stdout).toContain("events (Asia/Tokyo):");
    // 15:04 UTC is past midnight in Tokyo: the next day, local time.
    expect(shown.stdout).toMatch(/2026-06-01 12:00:03 \+09:00 +deferred +smtp 451: try later/);
    expect(shown.stdout).toMatch(/2026-06-02 00:04:00 \+09:00 +sending/);

    const json = JSON.parse((await runCli(["message", "show", String(message.id), "--json"], env)).stdout);
    expect(json).toMatchObject({
      id: message.id,
      status: "deferred",
      reason: "smtp 451: try later",
      attempts: 2,
      template: "new-tea",
      timezone: "Asia/Tokyo",
    });
    expect(json.events.map((e: { type: string }) => e.type)).toEqual([
      "rendering",
      "sending",
      "deferred",
      "sending",
      "deferred",
    ]);
    expect(json.events[0]).toMatchObject({
      at: "2026-06-01T03:00:01.000Z",
      localAt: "2026-06-01 12:00:01 +09:00",
    });

    // Another shop cannot see it.
    await runCli(["shop", "create", "別の店"], env);
    const elsewhere = await runCli(["message", "show", String(message.id), "--shop", "2"], env);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`message ${message.id} not found`);
  });
});
