import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Sealed layout: version (1 byte) | IV (12) | GCM tag (16) | ciphertext. A random 96-bit IV per entry, as NIST SP
// 800-38D §8.2.2 allows for up to 2^32 encryptions under one key.
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** AES-256-GCM encryption of `plaintext`, authenticated together with `aad` (which is not stored). */
export function sealEntry(key: Buffer, aad: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext of a sealed entry; throws when the key, the `aad` or a single byte differs. */
export function openEntry(key: Buffer, aad: string, sealed: Buffer): Buffer {
  if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) throw new Error(`not a version-${VERSION} sealed entry`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
}
