import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AuthenticationError } from '../errors/sidecar-error';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * When `auth.clientKeys` is set, callers must present one of them (`Authorization: Bearer`, or `x-goog-api-key` on
 * native paths). Digests are compared with timingSafeEqual against every key, so timing reveals neither a key nor
 * which one matched.
 */
export function clientAuth(clientKeys: readonly string[]): RequestHandler {
  const digests = clientKeys.map(digest);
  return (req, _res, next) => {
    if (digests.length === 0) {
      next();
      return;
    }
    const header = req.headers['x-goog-api-key'];
    const presented = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? (Array.isArray(header) ? header[0] : header);
    const candidate = digest(presented ?? '');
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(candidate, known) || matched;
    if (!presented || !matched) {
      next(new AuthenticationError('Invalid or missing sidecar API key.', 'invalid_api_key'));
      return;
    }
    next();
  };
}
