// Password hashing with scrypt (memory-hard: each guess costs 32 MiB as well as time, which is what makes
// a stolen table expensive to attack on GPUs). Node's own implementation; no native add-on.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../core/errors.js";

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt (N=2^17 is the recommendation at r=8, p=1; 2^15 keeps a sign-in ~60 ms on two cores). */
const CURRENT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export const PASSWORD_MIN_LENGTH = 10;
const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses above maxmem (32 MiB by default), exactly our size.
  const maxmem = 256 * params.N * params.r;
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize("NFKC"), salt, KEY_BYTES, { ...params, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Refuses passwords too short to resist guessing, naming the field. */
export function checkPasswordStrength(password: string, field = "password", email?: string): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    throw ValidationError.field(field, `must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    throw ValidationError.field(field, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (email && password.toLowerCase() === email.toLowerCase())
    throw ValidationError.field(field, "must not be the email address");
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, CURRENT);
  const { N, r, p } = CURRENT;
  return ["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await derive(password, Buffer.from(salt, "base64url"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// Signing in with an unknown address costs the same scrypt run as a known one, so response times do not
// tell an attacker which addresses have accounts.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
}

/** A password for a new account or a reset, shown once: 20 characters from 120 random bits. */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}
