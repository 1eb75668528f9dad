// Secrets Kizuna keeps on a shop's behalf (webhook signing secrets, channel credentials) are stored
// sealed with AES-256-GCM under a key derived from the instance secret. Each sealed value is bound to
// its purpose (the associated data), so a value copied into another shop's row does not open there.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_SALT = "kizuna";
const KEY_INFO = "integration-secrets/v1";

/** A sealed value that does not open: another instance secret, another purpose, or tampering. */
export class SecretDecryptionError extends Error {
  constructor() {
    super("the stored secret cannot be decrypted with this instance secret");
  }
}

function keyFrom(instanceSecret: string): Buffer {
  if (!instanceSecret) throw new Error("encryptSecret: the instance secret is empty");
  return Buffer.from(hkdfSync("sha256", instanceSecret, KEY_SALT, KEY_INFO, 32));
}

/**
 * Seals `plaintext` as `v1.<iv>.<tag>.<ciphertext>` (base64url parts). `purpose` names what the
 * secret is for, e.g. "shop:1:shopify:webhookSecret"; the same purpose is needed to open it.
 */
export function encryptSecret(plaintext: string, instanceSecret: string, purpose: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(instanceSecret), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url"));
  return [FORMAT, ...parts].join(".");
}

export function decryptSecret(sealed: string, instanceSecret: string, purpose: string): string {
  const [format, iv, tag, ciphertext, ...rest] = sealed.split(".");
  if (format !== FORMAT || rest.length > 0 || !iv || !tag || ciphertext === undefined) {
    throw new SecretDecryptionError();
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(instanceSecret), Buffer.from(iv, "base64url"), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(purpose, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new SecretDecryptionError();
  }
}
