// `kizuna profile` and `kizuna template` through the built bin: the shop sets its sender identity, then
// writes a promotional email. Templates that could not be sent (an unknown variable, no opt-out link)
// are refused naming the field and nothing is stored; `check` says the same without saving; a sound one
// is saved, listed and printed back as it was written.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { countRows, createTestDb, type TestDb } from "../support/db.js";

// Every step runs the built bin as a new Node process (a second or two each, more on a busy machine).
const CLI_TEST_TIMEOUT = 120_000;
const INSTANCE_SECRET = "kizuna-test-instance-secret-0123456789";

const PROMO_HTML = `<html><body><p>{{ customer.lastName | escape }}様、新茶のご案内です。</p>
<p><a href="{{ shop.url | escape }}/new">新茶を見る</a></p>
<footer>{{ shop.name | escape }} {{ shop.address | escape }} <a href="{{ unsubscribeUrl | escape }}">配信停止</a></footer>
</body></html>
`;

describe("kizuna profile and template", { timeout: CLI_TEST_TIMEOUT }, () => {
  let t: TestDb;
  let env: Record<string, string>;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, env);
  const bodyFile = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };
  const newTea = (command: "set" | "check", body: string, ...extra: string[]) =>
    cli(
      "template",
      command,
      "new-tea",
      "--channel",
      "email",
      "--locale",
      "ja",
      "--class",
      "promotional",
      "--subject",
      "{{ shop.name }}の新茶",
      "--body-file",
      bodyFile(`${command}.html`, body),
      ...extra,
    );

  beforeEach(async () => {
    t = await createTestDb();
    env = { ...t.env, KIZUNA_SECRET: INSTANCE_SECRET };
    dir = mkdtempSync(join(tmpdir(), "kizuna-template-"));
    expect((await cli("shop", "create", "きずな茶房")).code).toBe(0);
  });
  afterEach(async () => t.cleanup());

  it("sets and shows the sender identity, one field at a time or from a file", async () => {
    const empty = await cli("profile", "show");
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain("no sender identity yet");

    const set = await cli(
      "profile",
      "set",
      "--url",
      "https://kizuna-sabo.jp",
      "--address",
      "〒150-0001 東京都渋谷区神宮前1-2-3",
      "--email",
      "info@kizuna-sabo.jp",
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("〒150-0001 東京都渋谷区神宮前1-2-3");

    // One field changes; the others stay.
    expect((await cli("profile", "set", "--phone", "03-1234-5678")).code).toBe(0);
    expect(JSON.parse((await cli("profile", "show", "--json")).stdout)).toEqual({
      name: "きずな茶房",
      profile: {
        url: "https://kizuna-sabo.jp",
        address: "〒150-0001 東京都渋谷区神宮前1-2-3",
        email: "info@kizuna-sabo.jp",
        phone: "03-1234-5678",
      },
    });

    const bad = await cli("profile", "set", "--email", "not-an-address", "--url", "ftp://kizuna-sabo.jp");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/url: /);
    expect(bad.stderr).toMatch(/email: /);
    expect(JSON.parse((await cli("profile", "show", "--json")).stdout).profile.email).toBe(
      "info@kizuna-sabo.jp",
    );

    const file = join(dir, "profile.json");
    writeFileSync(
      file,
      JSON.stringify({ url: "https://tea.example.jp", address: "京都市", email: "a@tea.example.jp" }),
    );
    expect((await cli("profile", "set", "--file", file)).code).toBe(0);
    expect(JSON.parse((await cli("profile", "show", "--json")).stdout).profile).toEqual({
      url: "https://tea.example.jp",
      address: "京都市",
      email: "a@tea.example.jp",
    });
  });

  it("refuses templates that could not be sent, naming the field, and stores nothing", async () => {
    const unknown = await newTea("set", PROMO_HTML.replace("customer.lastName", "customer.nickname"));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("body: unknown variable: customer.nickname");

    const noOptOut = await newTea("set", PROMO_HTML.replace(/<a href="\{\{ unsubscribeUrl[^<]+<\/a>/, ""));
    expect(noOptOut.code).toBe(2);
    expect(noOptOut.stderr).toMatch(/body: a promotional message must carry the opt-out link/);

    const badClass = await cli(
      "template",
      "set",
      "new-tea",
      "--channel",
      "email",
      "--locale",
      "fr",
      "--class",
      "newsletter",
      "--body-file",
      bodyFile("x.html", PROMO_HTML),
    );
    expect(badClass.code).toBe(2);
    // Several problems: one line each.
    expect(badClass.stderr).toContain('template "new-tea" has 2 problems:');
    expect(badClass.stderr).toMatch(/^ {2}locale: /m);
    expect(badClass.stderr).toMatch(/^ {2}class: /m);

    const checked = await newTea("check", PROMO_HTML.replace("customer.lastName", "customer.nickname"));
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain("body: unknown variable: customer.nickname");
    expect((await newTea("check", PROMO_HTML)).stdout.trim()).toBe("ok");

    expect(await countRows(t.db, "templates")).toBe(0);
  });

  it("saves a sound template, lists it and prints its body back", async () => {
    const saved = await newTea("set", PROMO_HTML, "--preheader", "今年の一番茶", "--json");
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(saved.stdout)).toMatchObject({
      key: "new-tea",
      channel: "email",
      locale: "ja",
      messageClass: "promotional",
      subject: "{{ shop.name }}の新茶",
      preheader: "今年の一番茶",
    });

    const listed = JSON.parse((await cli("template", "list", "--json")).stdout);
    expect(listed.templates).toEqual([
      expect.objectContaining({
        key: "new-tea",
        channel: "email",
        locale: "ja",
        messageClass: "promotional",
      }),
    ]);
    expect(listed.templates[0]).not.toHaveProperty("body");
    expect((await cli("template", "list")).stdout).toMatch(/new-tea +email +ja +promotional/);

    const shown = await cli("template", "show", "new-tea", "--channel", "email", "--locale", "ja");
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(PROMO_HTML);
    const missing = await cli("template", "show", "new-tea", "--channel", "email", "--locale", "en");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("not found");
  });
});
