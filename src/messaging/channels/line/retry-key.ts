// LINE accepts a push or multicast with a given X-Line-Retry-Key once and answers 409 to repeats for 24
// hours. Deriving the key from the outbox message (a name-based UUID, RFC 9562 version 5) means a
// message sent again after a crash or a timeout carries the same key, so LINE drops the repeat.
import { createHash } from "node:crypto";
import type { OutgoingMessage } from "../types.js";

/** Kizuna's namespace for LINE retry keys (a fixed random UUID). */
const NAMESPACE = Buffer.from("6f1c2a4e9b3d4f7a8c5e0d2b1a9f3e7c", "hex");

function uuidV5(name: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const identity = (m: OutgoingMessage) => `${m.shopId}:${m.id}:${m.headerMessageId}`;

/** The retry key of a push: one per outbox message. */
export function pushRetryKey(message: OutgoingMessage): string {
  return uuidV5(`push\n${identity(message)}`);
}

/**
 * The retry key of a multicast: one per set of messages, whatever their order. A group retried with
 * the same members is deduplicated by LINE; regrouped differently, it is a new request.
 */
export function multicastRetryKey(messages: readonly OutgoingMessage[]): string {
  return uuidV5(`multicast\n${messages.map(identity).sort().join("\n")}`);
}
