// Reads one inbound mail into a report: a delivery status notification (RFC 3464 multipart/report,
// report-type=delivery-status), an abuse complaint (ARF, RFC 5965, report-type=feedback-report), or a
// request sent to the List-Unsubscribe mailto. A report must name its message itself — by the VERP
// address it came back to, or the original Message-ID in the returned headers — and when two sources
// name different messages it names none: a mail that is not clearly about one message changes nothing.
import { createHash } from "node:crypto";
import { type Attachment, type ParsedMail, type SimpleParserOptions, simpleParser } from "mailparser";
import {
  addressesIn,
  baseAddress,
  firstAddress,
  kizunaMessageId,
  readFieldBlocks,
  readHeaderBlock,
  unsubscribeSubjectId,
  verpMessageId,
  withoutType,
} from "./fields.js";
import {
  DSN_ACTIONS,
  type DsnAction,
  type InboundReport,
  type MessageRef,
  type RecipientStatus,
} from "./report.js";

export interface InboundEnvelope {
  /** MAIL FROM (empty for bounces), when the mail came over SMTP. */
  from?: string | null;
  /** RCPT TO, when the mail came over SMTP. */
  to?: readonly string[];
}

export interface ParseInboundOptions {
  envelope?: InboundEnvelope;
  /** Whether an address (given without +detail, lower-cased) is a shop's List-Unsubscribe mailto. */
  isUnsubscribeAddress(address: string): boolean;
}

// mailparser passes its options on to its MIME splitter: `ignoreEmbedded` keeps a message/rfc822 part
// (the original inside an ARF report or a bounce) as one attachment holding the original's headers,
// where by default an inline one is merged into the report's text and its Message-ID is lost.
// `keepDeliveryStatus` likewise keeps message/delivery-status as an attachment. No HTML work is needed.
const PARSER_OPTIONS: SimpleParserOptions & { ignoreEmbedded: boolean } = {
  keepDeliveryStatus: true,
  ignoreEmbedded: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
};

const STATUS_PARTS = new Set(["message/delivery-status", "message/global-delivery-status"]);
const FEEDBACK_PARTS = new Set(["message/feedback-report"]);
const RETURNED_PARTS = new Set([
  "text/rfc822-headers",
  "message/rfc822",
  "message/global",
  "message/global-headers",
]);
/** Headers that carry the address a mail was delivered to (the VERP address, for a bounce). */
const DELIVERY_HEADERS = new Set(["delivered-to", "x-original-to", "to", "cc", "envelope-to"]);

const DIAGNOSTIC_MAX = 500;

export async function parseInboundMail(raw: Buffer, options: ParseInboundOptions): Promise<InboundReport> {
  const mail = await simpleParser(raw, PARSER_OPTIONS);
  const reportId = reportIdOf(mail, raw);
  const parts = (types: Set<string>) =>
    mail.attachments.filter((a) => types.has(a.contentType.toLowerCase())).map(textOf);
  const returned = parts(RETURNED_PARTS).map(readHeaderBlock);
  const delivered = deliveryAddresses(mail, options.envelope);

  const status = parts(STATUS_PARTS)[0];
  if (status !== undefined) {
    const [perMessage = new Map<string, string>(), ...perRecipient] = readFieldBlocks(status);
    const senders = [perMessage.get("x-postfix-sender"), ...returned.map((h) => h.get("return-path"))];
    return {
      kind: "delivery-status",
      reportId,
      ref: messageRef([...delivered, ...senders.flatMap((s) => (s ? addressesIn(s) : []))], returned),
      recipients: perRecipient.flatMap(recipientStatus),
    };
  }

  const feedback = parts(FEEDBACK_PARTS)[0];
  if (feedback !== undefined) {
    const fields = readFieldBlocks(feedback)[0] ?? new Map<string, string>();
    const feedbackType = (fields.get("feedback-type") ?? "").toLowerCase();
    if (feedbackType !== "abuse") return { kind: "other", reportId, note: `feedback-type ${feedbackType}` };
    const mailFrom = fields.get("original-mail-from");
    const returnPaths = returned.map((h) => h.get("return-path") ?? "");
    const verpSources = [...delivered, ...(mailFrom ? addressesIn(mailFrom) : []), ...returnPaths];
    return { kind: "complaint", reportId, ref: messageRef(verpSources, returned), feedbackType };
  }

  if (delivered.some((a) => options.isUnsubscribeAddress(baseAddress(a)))) {
    const from = mail.from?.value[0]?.address?.toLowerCase() ?? null;
    const envelopeFrom = options.envelope?.from ? options.envelope.from.toLowerCase() : null;
    return {
      kind: "unsubscribe",
      reportId,
      ref: { messageId: unsubscribeSubjectId(mail.subject), shopId: null, recipient: null },
      senders: [...new Set([from, envelopeFrom].filter((a): a is string => a !== null))],
    };
  }
  return { kind: "other", reportId, note: "not a delivery, feedback or unsubscribe report" };
}

function textOf(part: Attachment): string {
  return part.content.toString("utf8");
}

/** The report's own Message-ID names it; without one, its bytes do. */
function reportIdOf(mail: ParsedMail, raw: Buffer): string {
  const id = mail.messageId?.trim();
  if (id && id.length <= 200) return `mid:${id}`;
  return `sha256:${createHash("sha256").update(raw).digest("hex")}`;
}

/** Where the mail was delivered: RCPT TO when known, and the headers MTAs record it in. */
function deliveryAddresses(mail: ParsedMail, envelope: InboundEnvelope | undefined): string[] {
  const fromHeaders = mail.headerLines
    .filter((h) => DELIVERY_HEADERS.has(h.key))
    .flatMap((h) => addressesIn(h.line.slice(h.line.indexOf(":") + 1)));
  return [...(envelope?.to ?? []).map((a) => a.toLowerCase()), ...fromHeaders];
}

/**
 * The message named by VERP addresses and by the returned headers' Message-ID (or, failing both, their
 * X-Kizuna-Message). Disagreement between sources names nothing.
 */
function messageRef(verpSources: string[], returned: Array<Map<string, string>>): MessageRef {
  const none: MessageRef = { messageId: null, shopId: null, recipient: null };
  const verp = new Set(verpSources.flatMap((a) => addressesIn(a).map(verpMessageId)).filter(isId));
  const kizuna = returned.map((h) => kizunaMessageId(h.get("message-id"))).filter((k) => k !== null);
  const byHeader = new Set(kizuna.map((k) => k.messageId));
  const shops = new Set(kizuna.map((k) => k.shopId));
  const tagged = new Set(returned.map((h) => Number(h.get("x-kizuna-message"))).filter(isId));
  if (verp.size > 1 || byHeader.size > 1 || shops.size > 1 || tagged.size > 1) return none;
  const [fromVerp] = verp;
  const [fromHeader] = byHeader;
  const [fromTag] = tagged;
  const named = [fromVerp, fromHeader, fromTag].filter(isId);
  if (new Set(named).size !== 1) return none;
  return { messageId: named[0], shopId: [...shops][0] ?? null, recipient: null };
}

function isId(n: number | null | undefined): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0;
}

function isAction(value: string): value is DsnAction {
  return (DSN_ACTIONS as readonly string[]).includes(value);
}

/** One per-recipient block; blocks without a known Action are skipped. */
function recipientStatus(fields: Map<string, string>): RecipientStatus[] {
  const action = (fields.get("action") ?? "").toLowerCase().split(/[\s(]/)[0];
  if (!isAction(action)) return [];
  const diagnostic = fields.has("diagnostic-code")
    ? withoutType(fields.get("diagnostic-code")!).slice(0, DIAGNOSTIC_MAX)
    : null;
  const recipient = fields.get("final-recipient") ?? fields.get("original-recipient");
  return [
    {
      action,
      status: enhancedStatus(fields.get("status"), diagnostic, action),
      diagnostic,
      recipient: recipient ? firstAddress(withoutType(recipient)) : null,
    },
  ];
}

/**
 * The Status field (required by RFC 3464); when an MTA leaves it out, the code in the diagnostic, and
 * when that is missing too, a transient failure: without a code a failure is not taken as permanent.
 */
function enhancedStatus(status: string | undefined, diagnostic: string | null, action: DsnAction): string {
  const code = /^\s*([245]\.\d{1,3}\.\d{1,3})/.exec(status ?? "")?.[1];
  if (code) return code;
  const inDiagnostic = diagnostic ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(diagnostic)?.[1] : undefined;
  if (inDiagnostic) return inDiagnostic;
  const basic = diagnostic ? /^\s*([245])\d\d\b/.exec(diagnostic)?.[1] : undefined;
  if (basic) return `${basic}.0.0`;
  return action === "delivered" || action === "relayed" || action === "expanded" ? "2.0.0" : "4.0.0";
}
