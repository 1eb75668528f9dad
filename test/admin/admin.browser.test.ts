// The admin in a real (headless) Chromium, served by the Kizuna server the way `npm start` serves it: a
// shop owner signs in with the keyboard, works in Japanese then English, adds a member (whose generated
// password then signs in), issues and revokes an API key, and signs out; at 375 px nothing overflows.
// A screenshot of each page goes to test-results/admin/.
import { existsSync, mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../../src/accounts/users.js";
import { adminDirectory } from "../../src/http/admin.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { launchChromium } from "./support.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const SHOTS = "test-results/admin";
const PASSWORD = "correct horse battery";
const title = hasChromium
  ? "the admin in a real browser"
  : `the admin in a real browser (SKIPPED: ${CHROMIUM} not found; apt-get install chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(`${adminDirectory()}/index.html`))
      throw new Error(`the admin is not built (${adminDirectory()}): run npm run build`);
    mkdirSync(SHOTS, { recursive: true });
    // Real time: the browser's cookie expiry is checked against the machine's clock.
    t = await createTestApp(new Date().toISOString());
    await addMember(t.testDb.db, t.clock, t.shop.shop.id, {
      email: "owner@shop.example",
      name: "佐藤",
      role: "owner",
      password: PASSWORD,
    });
    base = await t.app.listen({ host: "127.0.0.1", port: 0 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

  it("signs in with the keyboard alone, in Japanese by default", async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.getByLabel("メールアドレス").isVisible()).toBe(true);
    await shot("sign-in");
    // Wrong password: an alert, announced, in Japanese.
    await page.getByLabel("メールアドレス").focus();
    await page.keyboard.type("owner@shop.example");
    await page.keyboard.press("Tab");
    await page.keyboard.type("wrong password!");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("パスワードが違います");

    await page.getByLabel("パスワード").fill("");
    await page.getByLabel("パスワード").focus();
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("role").textContent()).toBe("オーナー");
    await shot("home");
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "kizuna_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });
  });

  it("switches to English, and a reload of a deep link opens the same page", async () => {
    await page.getByLabel("言語").selectOption("en");
    await expect.poll(() => page.getByTestId("role").textContent()).toBe("Owner");
    await page.getByRole("link", { name: "Members" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Members" }).isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByRole("heading", { name: "Members" }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
  });

  it("adds a member whose generated password signs in", async () => {
    await page.getByLabel("Email address").fill("analyst@shop.example");
    await page.locator("#member-role").selectOption("analyst");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const password = (await page.getByTestId("initial-password").textContent()) ?? "";
    expect(password).toMatch(/^[\w-]{20}$/);
    await expect.poll(() => page.getByRole("cell", { name: "analyst@shop.example" }).isVisible()).toBe(true);
    await shot("members");
    const signIn = await t.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "analyst@shop.example", password },
    });
    expect(signIn.statusCode).toBe(200);
  });

  it("issues an API key shown once, and revokes it", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Label").fill("Kiosk");
    await page.getByRole("button", { name: "Issue a key" }).last().click();
    const key = (await page.getByTestId("new-key").textContent()) ?? "";
    expect(key).toMatch(/^kz_pk_/);
    await shot("api-keys");
    const events = () =>
      t.app.inject({
        method: "GET",
        url: "/v1/push/vapid-public-key",
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await events()).statusCode).not.toBe(401);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("row", { name: /Kiosk/ }).getByRole("button", { name: "Revoke" }).click();
    await expect.poll(async () => (await events()).statusCode).toBe(401);
  });

  it("shows who did what in the audit log", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    await expect
      .poll(() => page.getByRole("cell", { name: "POST /v1/users" }).first().isVisible())
      .toBe(true);
    expect(await page.getByRole("cell", { name: "DELETE /v1/api-keys/:keyId" }).count()).toBe(1);
    await shot("audit-log");
  });

  it("fits a 375 px phone without sideways scrolling of the page", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ["/", "/settings/members", "/settings/api-keys"]) {
      await page.goto(`${base}${path}`);
      await expect.poll(() => page.getByRole("navigation").isVisible()).toBe(true);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await shot("members-375");
  });

  it("signs out: the session is gone, the sign-in form is back", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByLabel("Email address").isVisible()).toBe(true);
    expect((await context.cookies()).find((c) => c.name === "kizuna_session")).toBeUndefined();
    const sessions = await t.testDb.db.selectFrom("sessions").selectAll().execute();
    // The analyst's API sign-in above is the one left.
    expect(sessions).toHaveLength(1);
  });
});
