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

/**
 * Links in messages carry signed tokens that act as credentials (unsubscribe, preferences, opt-in
 * confirmation) or name a customer's message (tracking, short links): request logs keep the path's
 * shape and drop the token.
 */
export function redactTokens(url: string): string {
  return url.replace(/^\/(u|p|c|t\/o|t\/c|s)\/[^?#]*/, "/$1/[token]");
}

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? "info",
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers: {
      req(req: { method?: string; url?: string; [key: string]: unknown }) {
        // Route params repeat the path's parts (the token among them): left out.
        const { params: _params, ...rest } = pino.stdSerializers.req(req as never) as unknown as Record<
          string,
          unknown
        >;
        return { ...rest, url: req.url ? redactTokens(req.url) : req.url };
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const silentLogger: Logger = pino({ level: "silent" });
