// Bytes to text for the CSV parser, streamed: UTF-8 with or without BOM, or Shift_JIS as Windows
// writes it (CP932, EC-CUBE's export default). `auto` reads a UTF-8 BOM as UTF-8; otherwise it
// passes ASCII through (the same in both) until the first non-ASCII byte, and decides on the next
// 64 KiB: valid UTF-8 → UTF-8, else CP932.
import iconv from "iconv-lite";
import { ValidationError } from "../core/errors.js";
import type { EncodingOption } from "./mapping.js";

export type Encoding = "utf8" | "cp932";

const SNIFF_BYTES = 64 * 1024;

interface TextDecoderLike {
  write(bytes: Buffer): string;
  end(): string;
}

function utf8Decoder(): TextDecoderLike {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let offset = 0;
  const wrap = (fn: () => string, length: number) => {
    try {
      const text = fn();
      offset += length;
      return text;
    } catch {
      throw ValidationError.field(
        "encoding",
        `the file is not valid UTF-8 (after byte ${offset}); if it is Shift_JIS, use --encoding cp932`,
      );
    }
  };
  return {
    write: (bytes) => wrap(() => decoder.decode(bytes, { stream: true }), bytes.length),
    end: () => wrap(() => decoder.decode(), 0),
  };
}

function cp932Decoder(): TextDecoderLike {
  const decoder = iconv.getDecoder("cp932");
  return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? "" };
}

function isUtf8(bytes: Buffer, complete: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return i;
  return -1;
}

const hasBom = (b: Buffer) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * A pipeline stage: Buffers in, strings out. `onEncoding` learns the encoding once it is known;
 * `onBytes` counts the bytes read, for progress.
 */
export function decodeText(
  requested: EncodingOption,
  onEncoding: (encoding: Encoding) => void,
  onBytes: (bytes: number) => void,
) {
  return async function* decode(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
    let decoder: TextDecoderLike | undefined;
    let held: Buffer = Buffer.alloc(0);
    let atStart = true;

    const choose = (encoding: Encoding) => {
      decoder = encoding === "utf8" ? utf8Decoder() : cp932Decoder();
      onEncoding(encoding);
    };
    /** Decides when it can; returns the text of the held bytes decoded so far. */
    const settle = (complete: boolean): string => {
      if (atStart) {
        if (held.length < 3 && !complete) return "";
        atStart = false;
        if (hasBom(held) && requested !== "cp932") {
          held = held.subarray(3);
          choose("utf8");
        }
      }
      if (!decoder && requested !== "auto") choose(requested);
      let passed = "";
      if (!decoder) {
        const at = firstNonAscii(held);
        if (at < 0 && !complete) {
          passed = held.toString("latin1");
          held = Buffer.alloc(0);
          return passed;
        }
        if (at >= 0 && held.length - at < SNIFF_BYTES && !complete) return "";
        passed = held.subarray(0, Math.max(at, 0)).toString("latin1");
        held = held.subarray(Math.max(at, 0));
        choose(at < 0 || isUtf8(held, complete) ? "utf8" : "cp932");
      }
      const text = passed + decoder!.write(held);
      held = Buffer.alloc(0);
      return text;
    };

    for await (const chunk of source) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      onBytes(bytes.length);
      if (decoder) {
        const text = decoder.write(bytes);
        if (text) yield text;
        continue;
      }
      held = held.length === 0 ? bytes : Buffer.concat([held, bytes]);
      const text = settle(false);
      if (text) yield text;
    }
    if (!decoder) {
      const text = settle(true);
      if (text) yield text;
    }
    const tail = decoder!.end();
    if (tail) yield tail;
  };
}
