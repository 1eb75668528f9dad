// Configuration is read once from the environment, validated, and passed down as a value.
import { z } from "zod";

const configSchema = z.object({
  DATABASE_URL: z.string().min(1).default("sqlite:./data/kizuna.db"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  KIZUNA_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PUBLIC_URL: z.string().url().optional(),
  // Requests per minute per client on the public endpoints (src/http/limits.ts); 0 turns one off.
  RATE_LIMIT_STOREFRONT: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_TRACKING: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_PAGES: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_WEBHOOKS: z.coerce.number().int().min(0).optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)?$/, {
      message: "must be true, false, or a comma-separated list of proxy addresses/CIDRs",
    })
    .optional(),
});

/** Per-group overrides of the public endpoints' rate limits (requests per minute per client). */
export interface RateLimitConfig {
  storefront?: number;
  tracking?: number;
  pages?: number;
  webhooks?: number;
}

export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  /** Absent until the instance generates and stores one on first start. */
  secret?: string;
  logLevel: string;
  publicUrl?: string;
  rateLimits: RateLimitConfig;
  /** Which proxies' X-Forwarded-For to believe for the client's address; false: none. */
  trustProxy: boolean | string[];
}

function trustProxyOf(value: string | undefined): boolean | string[] {
  if (!value || value === "false") return false;
  if (value === "true") return true;
  return value.split(",").map((a) => a.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    port: c.PORT,
    host: c.HOST,
    secret: c.KIZUNA_SECRET,
    logLevel: c.LOG_LEVEL,
    publicUrl: c.PUBLIC_URL,
    rateLimits: Object.fromEntries(
      Object.entries({
        storefront: c.RATE_LIMIT_STOREFRONT,
        tracking: c.RATE_LIMIT_TRACKING,
        pages: c.RATE_LIMIT_PAGES,
        webhooks: c.RATE_LIMIT_WEBHOOKS,
      }).filter(([, v]) => v !== undefined),
    ),
    trustProxy: trustProxyOf(c.TRUST_PROXY),
  };
}
