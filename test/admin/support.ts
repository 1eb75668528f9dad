// The admin in a real (headless) Debian Chromium, served by a real Kizuna app on a real test database:
// what every page's browser test starts from. A test signs in as a member with a role, drives the page
// with the keyboard and the mouse, and saves a screenshot of each page to test-results/admin/.
import { existsSync, mkdirSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import type { Role } from "../../src/accounts/roles.js";
import { addMember } from "../../src/accounts/users.js";
import { adminDirectory } from "../../src/http/admin.js";
import { createTestApp, type TestApp } from "../support/app.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const SHOTS = "test-results/admin";
export const PASSWORD = "correct horse battery";

/** A describe title that says why it skipped where Chromium is missing. */
export const browserTitle = (title: string) =>
  hasChromium ? title : `${title} (SKIPPED: ${CHROMIUM} not found; apt-get install chromium)`;

export interface AdminBrowser {
  t: TestApp;
  base: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Full-page screenshot to test-results/admin/NAME.png. */
  shot(name: string): Promise<void>;
  /** Adds a member (if new) with this role and signs in through the form; English unless asked. */
  signIn(role?: Role, options?: { email?: string; language?: "ja" | "en" }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the app (real time: the browser checks cookie expiry against the machine's clock) and a
 * browser at 1280×800. The admin must be built (npm run build; KIZUNA_ADMIN_DIR for another build).
 */
export async function startAdminBrowser(): Promise<AdminBrowser> {
  if (!existsSync(`${adminDirectory()}/index.html`))
    throw new Error(`the admin is not built (${adminDirectory()}): run npm run build`);
  mkdirSync(SHOTS, { recursive: true });
  const t = await createTestApp(new Date().toISOString());
  const base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const added = new Set<string>();
  return {
    t,
    base,
    browser,
    context,
    page,
    shot: async (name) => {
      await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
      // A full-page capture resizes the view for a moment, and in headless Chromium a click right after
      // it can be lost (seen on the scenario editor's and the campaign form's submit buttons, far down a
      // long page). Letting the page settle and scrolling back to the top before going on avoids it.
      await page.evaluate(async () => {
        const frame = () => new Promise((done) => requestAnimationFrame(done));
        await frame();
        window.scrollTo(0, 0);
        await frame();
        await frame();
      });
    },
    async signIn(role = "owner", options = {}) {
      const email = options.email ?? `${role}@shop.example`;
      if (!added.has(email)) {
        await addMember(t.testDb.db, t.clock, t.shop.shop.id, {
          email,
          name: role,
          role,
          password: PASSWORD,
        });
        added.add(email);
      }
      await context.clearCookies();
      await page.goto(`${base}/`);
      await page.evaluate(
        (language) => localStorage.setItem("kizuna.language", language),
        options.language ?? "en",
      );
      await page.reload();
      const emailLabel = options.language === "ja" ? "メールアドレス" : "Email address";
      const passwordLabel = options.language === "ja" ? "パスワード" : "Password";
      await page.getByLabel(emailLabel).fill(email);
      await page.getByLabel(passwordLabel).fill(PASSWORD);
      await page.getByLabel(passwordLabel).press("Enter");
      await expect.poll(() => page.getByRole("navigation").isVisible()).toBe(true);
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** How far the page scrolls sideways at the current viewport (0 or less: it fits). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
