import { randomFillSync } from 'node:crypto';

// Entropy is drawn from the OS in one call per pool and handed out in slices, as node's own randomUUID caches it:
// a randomBytes call per response id cost ~13 µs of CPU, about a tenth of the Responses route's own work.
const POOL_BYTES = 3072;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/** `bytes` cryptographically random bytes (at most 3072) as lowercase hex. */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
