import { createHash } from 'node:crypto';

/** A key's state in the pool: `invalid` is Gemini's last verdict on it, benched or not. */
export type KeyState = 'active' | 'cooling' | 'invalid';

interface PooledKey {
  key: string;
  fingerprint: string;
  /** Gemini quotas are per project per model, so a 429 rests the key for that model only. */
  coolingUntil: Map<string, number>;
  /** Gemini's last answer with this key was API_KEY_INVALID (cleared by its next success). */
  invalid: boolean;
  /** Skipped by the rotation until then, after an API_KEY_INVALID (0: not benched). */
  benchedUntil: number;
}

/** What the pool hands out: the key and its short, loggable fingerprint. */
export interface LeasedKey {
  key: string;
  fingerprint: string;
}

/** What marking a key invalid did: benched for `restMs`, or kept serving because no other key could. */
export interface InvalidKeyVerdict {
  fingerprint: string;
  benched: boolean;
  restMs: number;
}

/** Fingerprints of the keys a `replace` added and removed. */
export interface KeyChange {
  joined: string[];
  left: string[];
}

/** Short fingerprint of a key for logs and metric labels: 8 hex characters of its SHA-256, never the key. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function pooled(key: string): PooledKey {
  return { key, fingerprint: keyFingerprint(key), coolingUntil: new Map(), invalid: false, benchedUntil: 0 };
}

/**
 * Several Gemini keys used round-robin. A key answering 429 cools down, for that model, for the delay Google asked
 * for while the others serve. A key Google calls invalid is benched for a long rest and then tried again, unless no
 * other key could serve: the pool never takes away its last key, so Gemini, not the sidecar, answers the caller.
 */
export class KeyPool {
  private keys: PooledKey[];
  private cursor = 0;

  constructor(
    keys: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.keys = [...new Set(keys)].map(pooled);
  }

  /** Number of keys configured (benched ones included). */
  get size(): number {
    return this.keys.length;
  }

  /**
   * The next key for `scope` (a model) in round-robin order. When every key is benched, the one whose rest ends
   * soonest (a call Gemini answers beats an error the sidecar makes up). Undefined only while every key that is not
   * benched is rate-limited for `scope`.
   */
  next(scope = ''): LeasedKey | undefined {
    const now = this.now();
    for (let step = 0; step < this.keys.length; step++) {
      const candidate = this.keys[(this.cursor + step) % this.keys.length]!;
      if (!this.usable(candidate, scope, now)) continue;
      this.cursor = (this.cursor + step + 1) % this.keys.length;
      return lease(candidate);
    }
    if (this.keys.some((candidate) => !this.benched(candidate, now))) return undefined;
    const soonest = this.keys.reduce<PooledKey | undefined>((best, candidate) => (!best || candidate.benchedUntil < best.benchedUntil ? candidate : best), undefined);
    return soonest && lease(soonest);
  }

  /** Whether some key other than `key` can serve `scope` right now. */
  hasReadyKeyBesides(key: string, scope = ''): boolean {
    const now = this.now();
    return this.keys.some((candidate) => candidate.key !== key && this.usable(candidate, scope, now));
  }

  /** Milliseconds until a key that is not benched can serve `scope` again (undefined when every key is benched). */
  msUntilReady(scope = ''): number | undefined {
    const now = this.now();
    const waits = this.keys
      .filter((candidate) => !this.benched(candidate, now))
      .map((candidate) => Math.max(0, (candidate.coolingUntil.get(scope) ?? 0) - now));
    return waits.length > 0 ? Math.min(...waits) : undefined;
  }

  /**
   * Rests a key for `ms` for `scope`. A pool of one never rests: no other key could serve, and Google, not the
   * sidecar, should say when its quota allows the next call.
   */
  coolDown(key: string, ms: number, scope = ''): void {
    if (this.keys.length < 2) return;
    const entry = this.find(key);
    if (entry) entry.coolingUntil.set(scope, Math.max(entry.coolingUntil.get(scope) ?? 0, this.now() + ms));
  }

  /**
   * Records Gemini's API_KEY_INVALID for a key and benches it for `restMs`, unless it is the last key that could
   * serve. Undefined when nothing changed (not in the pool, or already benched by a parallel call).
   */
  markInvalid(key: string, restMs: number): InvalidKeyVerdict | undefined {
    const now = this.now();
    const entry = this.find(key);
    if (!entry || this.benched(entry, now)) return undefined;
    const othersCanServe = this.keys.some((candidate) => candidate !== entry && !this.benched(candidate, now));
    const wasInvalid = entry.invalid;
    entry.invalid = true;
    if (othersCanServe) entry.benchedUntil = now + restMs;
    else if (wasInvalid) return undefined;
    return { fingerprint: entry.fingerprint, benched: othersCanServe, restMs };
  }

  /** Gemini served a call with `key`: a key it had called invalid is back. Returns its fingerprint then. */
  markValid(key: string): string | undefined {
    const entry = this.find(key);
    if (!entry?.invalid) return undefined;
    entry.invalid = false;
    entry.benchedUntil = 0;
    return entry.fingerprint;
  }

  /** Makes `keys` the pool (a rotated key file): new keys join as active, missing ones leave, the rest keep their state. */
  replace(keys: readonly string[]): KeyChange {
    const wanted = [...new Set(keys)];
    const kept = new Map(this.keys.map((entry) => [entry.key, entry]));
    const next = wanted.map((key) => kept.get(key) ?? pooled(key));
    const change = {
      joined: next.filter((entry) => !kept.has(entry.key)).map((entry) => entry.fingerprint),
      left: this.keys.filter((entry) => !wanted.includes(entry.key)).map((entry) => entry.fingerprint),
    };
    this.keys = next;
    this.cursor = next.length > 0 ? this.cursor % next.length : 0;
    return change;
  }

  /** Each key's fingerprint and state, for metrics. */
  states(): Array<{ fingerprint: string; state: KeyState }> {
    const now = this.now();
    return this.keys.map((entry) => ({
      fingerprint: entry.fingerprint,
      state: entry.invalid ? 'invalid' : [...entry.coolingUntil.values()].some((until) => until > now) ? 'cooling' : 'active',
    }));
  }

  private find(key: string): PooledKey | undefined {
    return this.keys.find((candidate) => candidate.key === key);
  }

  private benched(candidate: PooledKey, now: number): boolean {
    return candidate.benchedUntil > now;
  }

  private usable(candidate: PooledKey, scope: string, now: number): boolean {
    if (this.benched(candidate, now)) return false;
    return this.keys.length < 2 || (candidate.coolingUntil.get(scope) ?? 0) <= now;
  }
}

function lease(entry: PooledKey): LeasedKey {
  return { key: entry.key, fingerprint: entry.fingerprint };
}
