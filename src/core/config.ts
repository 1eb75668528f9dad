// Configuration is read once from the environment, validated, and passed down as a value.
import { z } from "zod";

const configSchema = z.object({
  DATABASE_URL: z.string().min(1).default("sqlite:./data/kizuna.db"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  KIZUNA_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PUBLIC_URL: z.string().url().optional(),
});

export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  /** Absent until the instance generates and stores one on first start. */
  secret?: string;
  logLevel: string;
  publicUrl?: string;
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
  };
}
