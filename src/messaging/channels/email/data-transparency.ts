// Whether a mail's bytes go into SMTP's DATA as they are. Before sending, nodemailer's DataStream turns
// bare CR and bare LF into CRLF and doubles a dot that starts a line (RFC 5321 §4.5.2), checking every
// byte in a JavaScript loop: ~0.12 ms of the send thread's CPU for the delivery bench's 24 KB mail,
// although the mails Kizuna builds (raw-mail.ts: CRLF lines, base64 bodies) never need a change.
// `isDataTransparent` answers with Buffer.indexOf, which scans natively, so the send thread lets a
// transparent chunk through untouched and leaves every other one to DataStream (smtp-threads.ts).
//
// It runs inside the SMTP send threads from its source text (smtp-threads.ts embeds its `toString()`),
// so its body must use nothing but its arguments and JavaScript built-ins.

/**
 * True when DataStream would pass `chunk` through unchanged: no bare CR or LF, no line that starts with
 * a dot. `lastByte` is the byte before the chunk, or false at the start of the data (as DataStream
 * keeps it). A chunk that ends in CR, or follows one, is left to DataStream: whether that CR is bare
 * depends on the next chunk.
 */
export function isDataTransparent(chunk: Uint8Array, lastByte: number | false): boolean {
  const CR = 13;
  const LF = 10;
  const DOT = 46;
  if (chunk.length === 0 || lastByte === CR || chunk[chunk.length - 1] === CR) return false;
  if ((lastByte === false || lastByte === LF) && chunk[0] === DOT) return false;
  let lineFeeds = 0;
  for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) {
    if (at === 0 || chunk[at - 1] !== CR || chunk[at + 1] === DOT) return false;
    lineFeeds++;
  }
  // Every LF has its own CR just before it; as many CRs as LFs means no CR stands alone.
  let carriageReturns = 0;
  for (let at = chunk.indexOf(CR); at !== -1; at = chunk.indexOf(CR, at + 1)) carriageReturns++;
  return carriageReturns === lineFeeds;
}
