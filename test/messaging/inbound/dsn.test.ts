// Reading report mails, without a database: which message a notice is about, and what it says about
// the recipient, as the mail systems that send them write them.
import { describe, expect, it } from "vitest";
import { type ParseInboundOptions, parseInboundMail } from "../../../src/messaging/inbound/dsn.js";
import { baseAddress, kizunaMessageId, verpMessageId } from "../../../src/messaging/inbound/fields.js";
import {
  aolComplaint,
  gmailBounce,
  type Original,
  postfixBounce,
  postfixDelay,
  vacationReply,
  yahooComplaint,
} from "./reports.js";

const sent: Original = {
  envelopeFrom: "bounces+m12@mail.kizuna-sabo.jp",
  recipient: "gone@example.jp",
  raw: Buffer.from(
    [
      "From: =?UTF-8?B?44GN44Ga44Gq6Iy25oi/?= <news@kizuna-sabo.jp>",
      "To: gone@example.jp",
      "Subject: =?UTF-8?B?44GK6LK344GE54mp44Kr44K0?=",
      "Message-ID: <kizuna.3.12@kizuna-sabo.jp>",
      "X-Kizuna-Message: 12",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      "44GU5rOo5paH44GC44KK44GM44Go44GG44GU44GW44GE44G+44GZ",
      "",
    ].join("\r\n"),
  ),
};

const noUnsubscribe: ParseInboundOptions = { isUnsubscribeAddress: () => false };
const parse = (raw: string, options = noUnsubscribe) => parseInboundMail(Buffer.from(raw), options);

describe("reading delivery status notifications", () => {
  it("reads Postfix's bounce: the message from VERP and the returned headers, the recipient's status", async () => {
    const report = await parse(postfixBounce(sent));
    expect(report).toEqual({
      kind: "delivery-status",
      reportId: "mid:<20260601020200.4ZbQ1c2X3Kz9sTk@mx1.example.jp>",
      ref: { messageId: 12, shopId: 3, recipient: null },
      recipients: [
        {
          action: "failed",
          status: "5.1.1",
          diagnostic:
            "550 5.1.1 <gone@example.jp>: Recipient address rejected: User unknown (in reply to RCPT TO command)",
          recipient: "gone@example.jp",
        },
      ],
    });
  });

  it("reads a delay warning as a transient status", async () => {
    const report = await parse(postfixDelay(sent));
    expect(report.kind === "delivery-status" && report.recipients).toEqual([
      {
        action: "delayed",
        status: "4.4.1",
        diagnostic: "connect to mx.example.jp[192.0.2.25]:25: Connection timed out",
        recipient: "gone@example.jp",
      },
    ]);
  });

  it("reads Gmail's notice, with its folded multi-line reply and the whole original attached", async () => {
    const report = await parse(gmailBounce(sent));
    expect(report).toMatchObject({ kind: "delivery-status", ref: { messageId: 12, shopId: 3 } });
    expect(report.kind === "delivery-status" && report.recipients[0].diagnostic).toMatch(
      /^550-5\.1\.1 The email account that you tried to reach does not exist\. Please try 550-5\.1\.1 double-checking/,
    );
  });

  it("takes the code from the diagnostic when an MTA leaves out Status, and a failure without any as transient", async () => {
    const withoutStatus = postfixBounce(sent).replace("Status: 5.1.1\r\n", "");
    const fromDiagnostic = await parse(withoutStatus);
    expect(fromDiagnostic.kind === "delivery-status" && fromDiagnostic.recipients[0].status).toBe("5.1.1");
    const bare = await parse(
      withoutStatus.replace(
        /Diagnostic-Code: [^\r]*\r\n {4}[^\r]*\r\n/,
        "Diagnostic-Code: X-Unknown; rejected\r\n",
      ),
    );
    expect(bare.kind === "delivery-status" && bare.recipients[0]).toMatchObject({
      status: "4.0.0",
      diagnostic: "rejected",
    });
  });

  it("names no message when its sources disagree", async () => {
    const other = { ...sent, envelopeFrom: "bounces+m13@mail.kizuna-sabo.jp" };
    const report = await parse(postfixBounce(other));
    expect(report.kind === "delivery-status" && report.ref).toEqual({
      messageId: null,
      shopId: null,
      recipient: null,
    });
  });

  it("takes the VERP address from the SMTP envelope when the headers do not carry it", async () => {
    const original = { ...sent, raw: Buffer.from("From: news@kizuna-sabo.jp\r\n\r\n") };
    const raw = postfixBounce(original)
      .replace(/^To: .*\r\n/m, "To: undisclosed-recipients:;\r\n")
      .replace(/^X-Postfix-Sender: .*\r\n/m, "");
    expect(await parse(raw)).toMatchObject({ kind: "delivery-status", ref: { messageId: null } });
    const viaSmtp = await parseInboundMail(Buffer.from(raw), {
      ...noUnsubscribe,
      envelope: { from: null, to: ["bounces+m12@mail.kizuna-sabo.jp"] },
    });
    expect(viaSmtp).toMatchObject({ ref: { messageId: 12, shopId: null } });
  });
});

describe("reading complaint reports (ARF)", () => {
  it("reads Yahoo's report: the inline original keeps its Message-ID", async () => {
    const report = await parse(yahooComplaint(sent, "bounces@mail.kizuna-sabo.jp"));
    expect(report).toEqual({
      kind: "complaint",
      reportId: "mid:<1780279400.987654.feedback@arf.mail.yahoo.com>",
      ref: { messageId: 12, shopId: 3, recipient: null },
      feedbackType: "abuse",
    });
  });

  it("reads a report with only the original's headers, and ignores feedback that is not abuse", async () => {
    expect(await parse(aolComplaint(sent, "fbl@mail.kizuna-sabo.jp"))).toMatchObject({
      kind: "complaint",
      ref: { messageId: 12, shopId: 3 },
    });
    expect(await parse(aolComplaint(sent, "fbl@mail.kizuna-sabo.jp", "not-spam"))).toMatchObject({
      kind: "other",
      note: "feedback-type not-spam",
    });
  });
});

describe("reading mail to the unsubscribe address", () => {
  const toUnsubscribe = { isUnsubscribeAddress: (a: string) => a === "unsubscribe@mail.kizuna-sabo.jp" };
  const request = (subject: string, to = "unsubscribe@mail.kizuna-sabo.jp") =>
    [
      "From: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <Taro@Example.jp>",
      `To: ${to}`,
      `Subject: ${subject}`,
      "Message-ID: <CAF=abc123@mail.example.jp>",
      "",
      "unsubscribe",
      "",
    ].join("\r\n");

  it("reads the message id from the subject and who it came from", async () => {
    expect(await parse(request("unsubscribe 12"), toUnsubscribe)).toEqual({
      kind: "unsubscribe",
      reportId: "mid:<CAF=abc123@mail.example.jp>",
      ref: { messageId: 12, shopId: null, recipient: null },
      senders: ["taro@example.jp"],
    });
    expect(await parse(request("Re: unsubscribe 12"), toUnsubscribe)).toMatchObject({
      ref: { messageId: 12 },
    });
    expect(await parse(request("配信停止"), toUnsubscribe)).toMatchObject({
      kind: "unsubscribe",
      ref: { messageId: null },
    });
  });

  it("reads mail to other addresses, and auto-replies to the bounce address, as no request", async () => {
    expect(await parse(request("unsubscribe 12", "info@kizuna-sabo.jp"), toUnsubscribe)).toMatchObject({
      kind: "other",
    });
    expect(await parse(vacationReply(sent), toUnsubscribe)).toMatchObject({ kind: "other" });
  });
});

describe("the addresses and ids that name our messages", () => {
  it("reads VERP, Kizuna Message-IDs and base addresses", () => {
    expect(verpMessageId("bounces+m12@mail.kizuna-sabo.jp")).toBe(12);
    expect(verpMessageId("Bounces+M12@Mail.kizuna-sabo.jp")).toBe(12);
    expect(verpMessageId("bounces@mail.kizuna-sabo.jp")).toBeNull();
    expect(verpMessageId("bounces+m0@mail.kizuna-sabo.jp")).toBeNull();
    expect(verpMessageId("bounces+m99999999999999999999@mail.kizuna-sabo.jp")).toBeNull();
    expect(kizunaMessageId("<kizuna.3.12@kizuna-sabo.jp>")).toEqual({ shopId: 3, messageId: 12 });
    expect(kizunaMessageId("<CAF=abc@mail.example.jp>")).toBeNull();
    expect(baseAddress("Bounces+m12@Mail.Kizuna-Sabo.jp")).toBe("bounces@mail.kizuna-sabo.jp");
  });
});
