import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { keyFingerprint } from '../gemini/key-pool';

/** Who a request is billed to, and how that was learnt. */
export interface Consumer {
  /** The ingress's consumer name, `key:<fingerprint>` of the caller's key, or `anonymous`. Never a key. */
  id: string;
  source: 'ingress' | 'key' | 'anonymous';
}

/** What decides whether the consumer headers are believed (config `consumers` and `auth.trustIngress`). */
export interface IdentitySettings {
  /** Request headers naming the consumer, first non-empty wins (lower case). */
  headers: readonly string[];
  /** The operator declares only the ingress reaches the sidecar (`auth.trustIngress`). */
  trustIngress: boolean;
  /** When set, consumer headers count only on requests that carry this secret in `ingressSecretHeader`. */
  ingressSecret?: string;
  ingressSecretHeader: string;
}

/** Longest consumer name kept; longer values are cut (a label value, a log field and a span attribute). */
const MAX_CONSUMER_LENGTH = 128;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Fingerprints of the caller keys seen lately: a SHA-256 per request was 0.6-0.8 % of the sidecar's CPU in the bench
 * profile, and callers reuse a handful of keys. Bounded: past the limit it starts over, so a caller cycling through
 * random keys costs what it did before and holds no more memory than this.
 */
const fingerprints = new Map<string, string>();
const MAX_FINGERPRINTS = 1024;

function fingerprintOf(key: string): string {
  let fingerprint = fingerprints.get(key);
  if (fingerprint === undefined) {
    if (fingerprints.size >= MAX_FINGERPRINTS) fingerprints.clear();
    fingerprint = keyFingerprint(key);
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Whether the request's consumer headers come from the ingress: with an ingress secret, only when the request carries
 * it (compared by digest in constant time); without one, when the operator trusts the ingress to be the only way in.
 * Anyone else reaching the sidecar could name any consumer, so their headers are ignored.
 */
export function fromTrustedIngress(headers: IncomingHttpHeaders, settings: IdentitySettings): boolean {
  if (settings.ingressSecret === undefined) return settings.trustIngress;
  const presented = first(headers[settings.ingressSecretHeader]);
  return presented !== undefined && timingSafeEqual(digest(presented), digest(settings.ingressSecret));
}

/** Printable, trimmed and bounded: a header value becomes a safe label value and log field. */
function cleanName(raw: string): string {
  return raw.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, MAX_CONSUMER_LENGTH);
}

/**
 * The consumer of one request: the first configured header the trusted ingress set, else a fingerprint of the key the
 * caller presented (a sidecar client key or its own Gemini key: 8 hex characters of its SHA-256, as the key pool
 * logs keys), else `anonymous`.
 */
export function consumerOf(headers: IncomingHttpHeaders, settings: IdentitySettings): Consumer {
  if (fromTrustedIngress(headers, settings)) {
    for (const name of settings.headers) {
      const value = cleanName(first(headers[name]) ?? '');
      if (value) return { id: value, source: 'ingress' };
    }
  }
  const key = BEARER.exec(headers.authorization ?? '')?.[1] ?? first(headers['x-goog-api-key'])?.trim();
  if (key) return { id: `key:${fingerprintOf(key)}`, source: 'key' };
  return { id: 'anonymous', source: 'anonymous' };
}
