// The send threads skip nodemailer's dot-stuffing scan for a chunk `isDataTransparent` calls clean. That
// is safe only if "clean" means exactly "DataStream would not change a byte", so the function is checked
// against DataStream itself on every short mix of dots, CRs, LFs and letters, at every kind of chunk
// start; and the mails Kizuna builds must be clean, or the fast path would never be taken.
import { randomBytes } from "node:crypto";
import { domainToASCII } from "node:url";
import * as mimeFuncs from "nodemailer/lib/mime-funcs";
import DataStream from "nodemailer/lib/smtp-connection/data-stream";
import { describe, expect, it } from "vitest";
import { isDataTransparent } from "../../../src/messaging/channels/email/data-transparency.js";
import { buildRawMail, mimeTools } from "../../../src/messaging/channels/email/raw-mail.js";

/** What DataStream writes for `chunk` when the byte before it was `lastByte` (flush left out). */
function escaped(chunk: Buffer, lastByte: number | false): Buffer {
  const stream = new DataStream() as DataStream & { lastByte: number | false };
  stream.lastByte = lastByte;
  const out: Buffer[] = [];
  stream.on("data", (b: Buffer) => out.push(b));
  stream.write(chunk);
  return Buffer.concat(out);
}

/** Every string of length 1..max over the alphabet. */
function* strings(alphabet: string[], max: number): Generator<string> {
  let level = [""];
  for (let n = 1; n <= max; n++) {
    level = level.flatMap((s) => alphabet.map((c) => s + c));
    yield* level;
  }
}

describe("isDataTransparent", () => {
  it("says clean exactly when DataStream leaves the chunk as it is", () => {
    let clean = 0;
    let checked = 0;
    for (const text of strings([".", "\r", "\n", "a"], 6)) {
      const chunk = Buffer.from(text, "latin1");
      for (const lastByte of [false, 0x0a, 0x0d, 0x61] as const) {
        const unchanged = escaped(chunk, lastByte).equals(chunk);
        const transparent = isDataTransparent(chunk, lastByte);
        checked++;
        // Never clean where DataStream would change something…
        if (transparent) expect(unchanged, JSON.stringify({ text, lastByte })).toBe(true);
        // …and clean wherever it would not, except around a CR at a chunk's edge (left to DataStream).
        const crEdge = lastByte === 0x0d || text.endsWith("\r");
        if (unchanged && !crEdge) expect(transparent, JSON.stringify({ text, lastByte })).toBe(true);
        if (transparent) clean++;
      }
    }
    expect(checked).toBe(4 * (4 + 16 + 64 + 256 + 1024 + 4096));
    expect(clean).toBeGreaterThan(400); // 475: the clean cases are not a handful
  });

  it("finds the dot, bare CR or bare LF deep inside a long chunk", () => {
    const body = Buffer.from(`${"x".repeat(75)}\r\n`.repeat(400), "latin1");
    expect(isDataTransparent(body, false)).toBe(true);
    for (const [at, bad] of [
      [30_000, "\r\n."],
      [12_345, "\n"],
      [20_000, "\r"],
    ] as const) {
      const broken = Buffer.concat([body.subarray(0, at), Buffer.from(bad), body.subarray(at)]);
      expect(isDataTransparent(broken, false), JSON.stringify(bad)).toBe(false);
      expect(escaped(broken, false).equals(broken)).toBe(false);
    }
  });

  it("calls the mails Kizuna builds clean, so they skip the scan", () => {
    const raw = buildRawMail(
      {
        from: { name: "きずな茶房", address: "news@kizuna-sabo.jp" },
        to: "hanako@example.jp",
        subject: "【ポイント失効のお知らせ】300ptの有効期限が近づいています",
        html: `<p>.山田 花子 様</p>\n.${"<p>季節の新茶をお届けします。</p>\r\n".repeat(300)}`,
        text: `.山田 花子 様\n\n.${"季節の新茶をお届けします。\r".repeat(300)}`,
        messageId: "<kizuna.1.42@kizuna-sabo.jp>",
        headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
        envelope: { from: "news@kizuna-sabo.jp", to: "hanako@example.jp" },
      },
      mimeTools(mimeFuncs, domainToASCII, randomBytes),
      new Date("2026-12-07T06:00:00Z"),
    );
    const bytes = Buffer.from(raw, "utf8");
    expect(bytes.length).toBeGreaterThan(20_000);
    expect(isDataTransparent(bytes, false)).toBe(true);
    expect(escaped(bytes, false).equals(bytes)).toBe(true);
  });
});
