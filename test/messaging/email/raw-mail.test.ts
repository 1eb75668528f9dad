// The mail builder the SMTP send threads use, read back by mailparser: what a mail client shows must be
// what was asked for — Japanese subjects and sender names, long headers folded, IDN domains, every line
// within SMTP's limits — and a line break in a value never becomes a header of its own.
import { randomBytes } from "node:crypto";
import { domainToASCII } from "node:url";
import { simpleParser } from "mailparser";
import * as mimeFuncs from "nodemailer/lib/mime-funcs";
import { describe, expect, it } from "vitest";
import { buildRawMail, mimeTools, type ThreadMail } from "../../../src/messaging/channels/email/raw-mail.js";

const tools = mimeTools(mimeFuncs, domainToASCII, randomBytes);

function mail(overrides: Partial<ThreadMail> = {}): ThreadMail {
  return {
    from: { name: "きずな茶房", address: "news@kizuna-sabo.jp" },
    to: "hanako@example.jp",
    subject: "【ポイント失効のお知らせ】300ptの有効期限が近づいています",
    html: `<p>山田 花子 様</p><p>${"季節の新茶をお届けします。".repeat(200)}</p>`,
    text: `山田 花子 様\n\n${"季節の新茶をお届けします。".repeat(200)}`,
    messageId: "<kizuna.1.42@kizuna-sabo.jp>",
    headers: {
      "List-Unsubscribe": `<https://crm.kizuna-sabo.jp/u/${"x".repeat(90)}>, <mailto:unsubscribe@kizuna-sabo.jp?subject=unsubscribe%2042>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "X-Kizuna-Message": "42",
    },
    envelope: { from: "news@kizuna-sabo.jp", to: "hanako@example.jp" },
    ...overrides,
  };
}

describe("building a mail for the send threads", () => {
  it("reads back as the same sender, subject, headers and parts in a mail client", async () => {
    const m = mail({ replyTo: "support@kizuna-sabo.jp" });
    const raw = buildRawMail(m, tools, new Date("2026-12-07T06:00:00Z"));
    const parsed = await simpleParser(raw);

    expect(parsed.from?.value[0]).toEqual({ name: "きずな茶房", address: "news@kizuna-sabo.jp" });
    expect(parsed.to && "value" in parsed.to ? parsed.to.value[0].address : null).toBe("hanako@example.jp");
    expect(parsed.replyTo?.value[0].address).toBe("support@kizuna-sabo.jp");
    expect(parsed.subject).toBe(m.subject);
    expect(parsed.messageId).toBe(m.messageId);
    expect(parsed.date?.toISOString()).toBe("2026-12-07T06:00:00.000Z");
    expect(parsed.html).toBe(m.html);
    expect(parsed.text).toBe(m.text);
    // Folded where it was long, and unfolded again by the reader.
    expect(parsed.headers.get("list")).toMatchObject({
      unsubscribe: {
        url: `https://crm.kizuna-sabo.jp/u/${"x".repeat(90)}`,
        mail: "unsubscribe@kizuna-sabo.jp?subject=unsubscribe%2042",
      },
    });
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(parsed.headers.get("x-kizuna-message")).toBe("42");
  });

  it("keeps to ASCII and CRLF line ends, folds headers at spaces and wraps base64 at 76", () => {
    const raw = buildRawMail(mail(), tools, new Date());
    expect([...raw].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(raw.replace(/\r\n/g, "").includes("\n")).toBe(false);
    const [head, body] = raw.split("\r\n\r\n", 2);
    // A header longer than 78 is only one with no space to fold at (the long unsubscribe URL).
    const long = head.split("\r\n").filter((line) => line.length > 78);
    expect(long.every((line) => !/\S\s+\S/.test(line.trim()))).toBe(true);
    expect(head.split("\r\n").filter((line) => line.startsWith(" ")).length).toBeGreaterThan(1);
    expect(Math.max(...body.split("\r\n").map((line) => line.length))).toBeLessThanOrEqual(76);
  });

  it("quotes a sender name with punctuation, and writes an international domain in punycode", async () => {
    const raw = buildRawMail(
      mail({ from: { name: "Kizuna, Tea & Co.", address: "news@きずな.jp" }, to: "taro@例え.jp" }),
      tools,
      new Date(),
    );
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value[0].name).toBe("Kizuna, Tea & Co.");
    expect(raw).toMatch(/^From: "Kizuna, Tea & Co\." <news@xn--w8j0ayc\.jp>\r$/m);
    expect(raw).toMatch(/^To: taro@xn--r8jz45g\.jp\r$/m);
  });

  it("never lets a line break in a subject or address start a header of its own", async () => {
    const raw = buildRawMail(
      mail({ subject: "Sale\r\nBcc: everyone@example.jp", to: "hanako@example.jp\nX-Injected: 1" }),
      tools,
      new Date(),
    );
    const parsed = await simpleParser(raw);
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(parsed.headers.has("x-injected")).toBe(false);
    expect(parsed.subject).toBe("Sale Bcc: everyone@example.jp");
  });

  it("gives every mail its own part boundary", () => {
    const boundary = (raw: string) => raw.match(/boundary="([^"]+)"/)?.[1];
    const a = boundary(buildRawMail(mail(), tools, new Date()));
    const b = boundary(buildRawMail(mail(), tools, new Date()));
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
  });
});
