// One pino logger. Personal data (emails, phones, names, addresses) must never reach it: the redact
// list below is a safety net for request logging, not a licence to log profiles.
import pino, { type Logger } from "pino";

export type { Logger };

const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.email",
  "*.phone",
  "*.firstName",
  "*.lastName",
  "*.address",
  "*.lineUserId",
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } });
}

export const silentLogger: Logger = pino({ level: "silent" });
