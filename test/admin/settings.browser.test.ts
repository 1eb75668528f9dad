// The Channels and Guardrails settings pages in a real browser: the owner points email at a real SMTP
// server started here (the connection test logs in with the stored password and succeeds) and then at a
// closed port (the test shows the failure), and the password never appears in the page; a paused
// channel shows its reason and resumes; a cap and a quiet-hours window are saved and still there after a
// reload, a bad cap is refused beside its field; an analyst only reads; nothing overflows at 375 px.
import { createServer } from "node:net";
import type { Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pauseChannel } from "../../src/messaging/channels/settings.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

const SMTP_USER = "kizuna-mailer";
const SMTP_PASSWORD = "pa55-w0rd-never-shown";

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const text = (page: Page, selector: string) =>
  page
    .locator(selector)
    .textContent({ timeout: 1000 })
    .then((t) => t ?? "")
    .catch(() => "");

describe.skipIf(!hasChromium)(browserTitle("the Channels and Guardrails pages in a real browser"), () => {
  let admin: AdminBrowser;
  let page: Page;
  let smtp: SMTPServer;
  let smtpPort: number;
  const logins: Array<{ username?: string | null; password?: string | null }> = [];
  const email = () => page.locator('article[data-channel="email"]');

  beforeAll(async () => {
    admin = await startAdminBrowser();
    page = admin.page;
    smtp = new SMTPServer({
      logger: false,
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authMethods: ["PLAIN", "LOGIN"],
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
          return callback(null, { user: auth.username });
        callback(new Error("535 authentication failed"));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    smtpPort = (smtp.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await admin?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it("saves SMTP settings with a password that is never shown, and the connection test logs in", async () => {
    await admin.signIn("owner");
    await page.getByRole("link", { name: "Channels" }).click();
    await expect.poll(() => email().isVisible()).toBe(true);
    expect(await text(page, 'article[data-channel="email"] .settings-badge')).toBe("Not configured");
    // An unconfigured channel's form is folded away until asked for.
    expect(await email().getByLabel("Host").isVisible()).toBe(false);
    await email().getByText("Set up", { exact: true }).click();
    await email().getByLabel("Host").fill("127.0.0.1");
    await email().getByLabel("Port", { exact: true }).fill(String(smtpPort));
    await email().getByLabel("From address").fill("news@shop.example.jp");
    await email().getByLabel("From name").fill("テストショップ");
    await email().getByLabel("User name").fill(SMTP_USER);
    await email().getByLabel("Password", { exact: true }).fill(SMTP_PASSWORD);
    await email().getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, 'article[data-channel="email"] .settings-ok')).toBe("Saved.");
    expect(await text(page, 'article[data-channel="email"] .settings-badge')).toBe("Configured");
    expect(await email().getByLabel("Password", { exact: true }).inputValue()).toBe("");
    expect(await text(page, "#email-secrets-password-state")).toBe("Set (never shown)");
    expect(await page.content()).not.toContain(SMTP_PASSWORD);

    await email().getByRole("button", { name: "Test connection" }).click();
    await expect
      .poll(() => text(page, 'article[data-channel="email"] .settings-test'))
      .toBe("Connection succeeded.");
    expect(logins.at(-1)).toEqual({ username: SMTP_USER, password: SMTP_PASSWORD });

    await page.reload();
    await expect.poll(() => email().getByLabel("Host").inputValue()).toBe("127.0.0.1");
    expect(await email().getByLabel("Port", { exact: true }).inputValue()).toBe(String(smtpPort));
    expect(await text(page, "#email-secrets-user-state")).toBe("Set (never shown)");
    expect(await page.content()).not.toContain(SMTP_PASSWORD);
    expect(await page.content()).not.toContain(SMTP_USER);
    await admin.shot("settings-channels");
  });

  it("shows a failed connection test with the error, keeping the stored password", async () => {
    const port = await closedPort();
    await email().getByLabel("Port", { exact: true }).fill(String(port));
    await email().getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, 'article[data-channel="email"] .settings-ok')).toBe("Saved.");
    await email().getByRole("button", { name: "Test connection" }).click();
    await expect
      .poll(() => text(page, 'article[data-channel="email"] .settings-test'))
      .toMatch(/^Connection failed: .*(ECONNREFUSED|connect|refused)/i);
    expect(await text(page, "#email-secrets-password-state")).toBe("Set (never shown)");

    // Back on the working server, the same stored credentials still log in.
    await email().getByLabel("Port", { exact: true }).fill(String(smtpPort));
    await email().getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, 'article[data-channel="email"] .settings-ok')).toBe("Saved.");
    await email().getByRole("button", { name: "Test connection" }).click();
    await expect
      .poll(() => text(page, 'article[data-channel="email"] .settings-test'))
      .toBe("Connection succeeded.");
    expect(await page.content()).not.toContain(SMTP_PASSWORD);
  });

  it("refuses a bad setting beside its field, and asks for every credential when one changes", async () => {
    await email().getByLabel("From address").fill("not an address");
    await email().getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, "#email-settings-fromAddress-issues")).toMatch(/email/i);
    expect(await email().getByLabel("From address").getAttribute("aria-invalid")).toBe("true");
    await email().getByLabel("From address").fill("news@shop.example.jp");

    // A new password alone would drop the stored user name: the page asks for it too.
    await email().getByLabel("Password", { exact: true }).fill("another-password");
    await email().getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, "#email-secrets-user-issues")).toMatch(/enter this one again/);
    await email().getByLabel("Password", { exact: true }).fill("");
  });

  it("shows why a channel paused itself, and resumes it", async () => {
    const { t } = admin;
    await pauseChannel(
      t.testDb.db,
      t.clock,
      t.shop.shop.id,
      "email",
      "too many bounces: 12% of the last 200",
    );
    await page.reload();
    await expect
      .poll(() => text(page, 'article[data-channel="email"] .settings-paused'))
      .toMatch(/too many bounces/);
    expect(await text(page, 'article[data-channel="email"] .settings-badge-paused')).toBe("Paused");
    await email().getByRole("button", { name: "Resume sending" }).click();
    await expect.poll(() => email().locator(".settings-paused").count()).toBe(0);
    const row = await t.testDb.db
      .selectFrom("channel_settings")
      .select("paused_at")
      .where("shop_id", "=", t.shop.shop.id)
      .where("channel", "=", "email")
      .executeTakeFirstOrThrow();
    expect(row.paused_at).toBeNull();
  });

  it("keeps a cap and a quiet-hours window the owner sets, after a reload", async () => {
    await page.getByRole("link", { name: "Guardrails" }).click();
    const rows = page.getByTestId("cap-row");
    await expect.poll(() => rows.count()).toBe(2); // the defaults: 1 a day, 3 a week
    expect(await page.locator("#cap-0-max").inputValue()).toBe("1");
    await page.locator("#cap-0-max").fill("2");
    await page.getByRole("button", { name: "Add a cap" }).click();
    await page.locator("#cap-2-max").fill("1");
    await page.locator("#cap-2-days").fill("30");
    await page.locator("#cap-2-channel").selectOption("sms");
    await page.getByLabel("Quiet hours for Email").check();
    await page.locator("#quiet-email-from").fill("22:30");
    await page.locator("#quiet-email-to").fill("07:00");
    await page.getByLabel("Quiet hours for Web push").uncheck();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, ".settings > .settings-ok")).toBe("Saved.");

    await page.reload();
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator("#cap-0-max").inputValue()).toBe("2");
    expect(await page.locator("#cap-2-days").inputValue()).toBe("30");
    expect(await page.locator("#cap-2-channel").inputValue()).toBe("sms");
    expect(await page.locator("#quiet-email-from").inputValue()).toBe("22:30");
    expect(await page.locator("#quiet-email-to").inputValue()).toBe("07:00");
    expect(await page.getByLabel("Quiet hours for Web push").isChecked()).toBe(false);
    expect(await page.locator("#quiet-sms-from").inputValue()).toBe("21:00");
    const api = await admin.t.app.inject({
      method: "GET",
      url: "/v1/shop/guardrails",
      headers: admin.t.secret,
    });
    expect(api.json()).toMatchObject({
      frequencyCaps: [
        { max: 2, perDays: 1 },
        { max: 3, perDays: 7 },
        { max: 1, perDays: 30, channel: "sms" },
      ],
      quietHours: { email: { from: "22:30", to: "07:00" }, push: null },
    });
    await admin.shot("settings-guardrails");
  });

  it("refuses a cap of zero with the reason beside the field, and removes a cap", async () => {
    await page.locator("#cap-1-max").fill("0");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, "#cap-1-max-issues")).toMatch(/1/);
    expect(await page.locator("#cap-1-max").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#cap-1-max").getAttribute("aria-describedby")).toBe("cap-1-max-issues");
    expect(await page.locator("#cap-0-max-issues").count()).toBe(0);
    await admin.shot("settings-guardrails-error");

    await page.getByRole("button", { name: "Remove cap 2" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text(page, ".settings > .settings-ok")).toBe("Saved.");
    await page.reload();
    await expect.poll(() => page.getByTestId("cap-row").count()).toBe(2);
    expect(await page.locator("#cap-1-days").inputValue()).toBe("30");
  });

  it("fits a phone's width without sideways scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${admin.base}/settings/channels`);
    await expect.poll(() => email().isVisible()).toBe(true);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await admin.shot("settings-mobile");
    await page.goto(`${admin.base}/settings/guardrails`);
    await expect.poll(() => page.getByTestId("cap-row").count()).toBe(2);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await admin.shot("settings-guardrails-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("shows an analyst the channels to read, with nothing to change", async () => {
    await admin.signIn("analyst");
    await page.goto(`${admin.base}/settings/channels`);
    await expect.poll(() => email().getByLabel("Host").inputValue()).toBe("127.0.0.1");
    expect(await email().getByLabel("Host").isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Test connection" }).count()).toBe(0);
    expect(await page.content()).not.toContain(SMTP_PASSWORD);
    await admin.shot("settings-channels-analyst");
  });

  // Needs GET /v1/shop/guardrails in the "reports" area of src/accounts/roles.ts (as GET /v1/channels is).
  it("shows an analyst the guardrails to read, with nothing to change", async () => {
    await page.goto(`${admin.base}/settings/guardrails`);
    await expect
      .poll(() =>
        page
          .locator("#cap-0-max")
          .inputValue({ timeout: 500 })
          .catch(() => ""),
      )
      .toBe("2");
    expect(await page.locator("#cap-0-max").isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add a cap" }).count()).toBe(0);
    await admin.shot("settings-guardrails-analyst");
  });
});
