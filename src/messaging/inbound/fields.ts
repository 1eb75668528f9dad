// The small text formats inside bounce and complaint reports: header-style field blocks (a DSN's
// per-message and per-recipient fields, an ARF report, returned headers) and the addresses and ids that
// name our messages — the VERP envelope sender `bounces+m<id>@…` and `<kizuna.<shop>.<id>@…>`.

/** Field blocks separated by blank lines, folded lines joined; names lower-cased, first value kept. */
export function readFieldBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  let fields = new Map<string, string>();
  let name: string | null = null;
  const flush = () => {
    if (fields.size > 0) blocks.push(fields);
    fields = new Map();
    name = null;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") {
      flush();
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (name !== null) fields.set(name, `${fields.get(name)} ${line.trim()}`.trim());
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    // Repeated fields (Received) keep the first: none of the ones read here repeats meaningfully.
    if (fields.has(key)) {
      name = null;
      continue;
    }
    name = key;
    fields.set(key, line.slice(colon + 1).trim());
  }
  flush();
  return blocks;
}

/** The header block at the start of a message or a text/rfc822-headers part. */
export function readHeaderBlock(text: string): Map<string, string> {
  const end = text.search(/\r?\n\r?\n/);
  return readFieldBlocks(end < 0 ? text : text.slice(0, end))[0] ?? new Map();
}

/** "rfc822; a@b.jp" → "a@b.jp", "smtp; 550 …" → "550 …": the value after a DSN field's type. */
export function withoutType(value: string): string {
  const semi = value.indexOf(";");
  return (semi < 0 ? value : value.slice(semi + 1)).trim();
}

/** Every addr-spec in a header value, lower-cased ("Name <a@b.jp>, c@d.jp" → both). */
export function addressesIn(value: string): string[] {
  return [...value.matchAll(/[^\s<>"(),;:[\]]+@[^\s<>"(),;:[\]]+/g)].map((m) =>
    m[0].replace(/\.+$/, "").toLowerCase(),
  );
}

/** The first addr-spec in a value, or null. */
export function firstAddress(value: string | undefined): string | null {
  return value ? (addressesIn(value)[0] ?? null) : null;
}

/** An address without its +detail, lower-cased: `Bounces+m12@Mail.shop.jp` → `bounces@mail.shop.jp`. */
export function baseAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return address.toLowerCase();
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  return `${plus < 0 ? local : local.slice(0, plus)}${address.slice(at)}`.toLowerCase();
}

function positiveId(digits: string | undefined): number | null {
  if (!digits || digits.length > 15) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The message a VERP envelope sender names (`bounces+m12@…` → 12), or null. */
export function verpMessageId(address: string): number | null {
  return positiveId(/^[^@]*\+m(\d+)@/i.exec(address.trim())?.[1]);
}

/** Shop and message a Kizuna Message-ID names (`<kizuna.3.12@shop.jp>`), or null. */
export function kizunaMessageId(value: string | undefined): { shopId: number; messageId: number } | null {
  const m = value ? /<kizuna\.(\d+)\.(\d+)@[^>\s]+>/i.exec(value) : null;
  const shopId = positiveId(m?.[1]);
  const messageId = positiveId(m?.[2]);
  return shopId && messageId ? { shopId, messageId } : null;
}

/** The message id in an unsubscribe subject ("unsubscribe 12", also after "Re:" or a client's prefix). */
export function unsubscribeSubjectId(subject: string | undefined): number | null {
  return positiveId(subject ? /\bunsubscribe\s+(\d+)\b/i.exec(subject)?.[1] : undefined);
}
