import { createHash } from 'node:crypto';

/** A key's state in the pool. */
export type KeyState = 'active' | 'cooling' | 'invalid';

interface PooledKey {
  key: string;
  fingerprint: string;
  /** Gemini quotas are per project per model, so a 429 rests the key for that model only. */
  coolingUntil: Map<string, number>;
  invalid: boolean;
}

/** What the pool hands out: the key and its short, loggable fingerprint. */
export interface LeasedKey {
  key: string;
  fingerprint: string;
}

/** Short fingerprint of a key for logs and metric labels: 8 hex characters of its SHA-256, never the key. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Several Gemini keys used round-robin. A key answering 429 cools down, for that model, for the delay Google asked
 * for while the others serve; a key Google calls invalid is taken out for good.
 */
export class KeyPool {
  private readonly keys: PooledKey[];
  private cursor = 0;

  constructor(
    keys: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.keys = [...new Set(keys)].map((key) => ({ key, fingerprint: keyFingerprint(key), coolingUntil: new Map(), invalid: false }));
  }

  /** Number of keys configured (invalid ones included). */
  get size(): number {
    return this.keys.length;
  }

  /** The next usable key for `scope` (a model) in round-robin order, or undefined when none is usable. */
  next(scope = ''): LeasedKey | undefined {
    const now = this.now();
    for (let step = 0; step < this.keys.length; step++) {
      const candidate = this.keys[(this.cursor + step) % this.keys.length]!;
      if (!this.usable(candidate, scope, now)) continue;
      this.cursor = (this.cursor + step + 1) % this.keys.length;
      return { key: candidate.key, fingerprint: candidate.fingerprint };
    }
    return undefined;
  }

  /** Whether some key other than `key` can serve `scope` right now. */
  hasReadyKeyBesides(key: string, scope = ''): boolean {
    const now = this.now();
    return this.keys.some((candidate) => candidate.key !== key && this.usable(candidate, scope, now));
  }

  /** Milliseconds until a key can serve `scope` again (undefined when every key is invalid). */
  msUntilReady(scope = ''): number | undefined {
    const now = this.now();
    const waits = this.keys
      .filter((candidate) => !candidate.invalid)
      .map((candidate) => Math.max(0, (candidate.coolingUntil.get(scope) ?? 0) - now));
    return waits.length > 0 ? Math.min(...waits) : undefined;
  }

  /**
   * Rests a key for `ms` for `scope`. A pool of one never rests: no other key could serve, and Google, not the
   * sidecar, should say when its quota allows the next call.
   */
  coolDown(key: string, ms: number, scope = ''): void {
    if (this.keys.length < 2) return;
    const entry = this.keys.find((candidate) => candidate.key === key);
    if (entry) entry.coolingUntil.set(scope, Math.max(entry.coolingUntil.get(scope) ?? 0, this.now() + ms));
  }

  /** Takes a key out for good; returns its fingerprint (for the log line) when it was in the pool. */
  markInvalid(key: string): string | undefined {
    const entry = this.keys.find((candidate) => candidate.key === key);
    if (!entry || entry.invalid) return undefined;
    entry.invalid = true;
    return entry.fingerprint;
  }

  /** Each key's fingerprint and state, for metrics. */
  states(): Array<{ fingerprint: string; state: KeyState }> {
    const now = this.now();
    return this.keys.map((entry) => ({
      fingerprint: entry.fingerprint,
      state: entry.invalid ? 'invalid' : [...entry.coolingUntil.values()].some((until) => until > now) ? 'cooling' : 'active',
    }));
  }

  private usable(candidate: PooledKey, scope: string, now: number): boolean {
    return !candidate.invalid && (candidate.coolingUntil.get(scope) ?? 0) <= now;
  }
}
