import { KeyPool, keyFingerprint } from '@sidecar/gemini/key-pool';

const REST_MS = 600_000;

describe('KeyPool: keys Gemini calls invalid', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  const stateOf = (pool: KeyPool, key: string) => pool.states().find((entry) => entry.fingerprint === keyFingerprint(key))?.state;

  it('benches an invalid key for the cooldown, then tries it again', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    expect(pool.markInvalid('a', REST_MS)).toEqual({ fingerprint: keyFingerprint('a'), benched: true, restMs: REST_MS });
    expect(stateOf(pool, 'a')).toBe('invalid');
    expect([1, 2, 3].map(() => pool.next('m')?.key)).toEqual(['b', 'b', 'b']);
    now += REST_MS - 1;
    expect(pool.next('m')?.key).toBe('b');
    now += 1;
    expect(new Set([pool.next('m')?.key, pool.next('m')?.key])).toEqual(new Set(['a', 'b']));
    // Gemini's verdict stands until it answers the key again.
    expect(stateOf(pool, 'a')).toBe('invalid');
  });

  it('benches a key that is still invalid after its rest for another rest', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    pool.markInvalid('a', REST_MS);
    now += REST_MS;
    expect(pool.markInvalid('a', REST_MS)).toEqual({ fingerprint: keyFingerprint('a'), benched: true, restMs: REST_MS });
    expect(pool.hasReadyKeyBesides('b', 'm')).toBe(false);
  });

  it('brings a key back at once when Gemini accepts it again', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    pool.markInvalid('a', REST_MS);
    now += REST_MS;
    expect(pool.markValid('a')).toBe(keyFingerprint('a'));
    expect(stateOf(pool, 'a')).toBe('active');
    expect(pool.markValid('a')).toBeUndefined();
    expect(pool.markValid('b')).toBeUndefined();
  });

  it('never benches the last key that could serve: a pool of one keeps its key', () => {
    const pool = new KeyPool(['only'], clock);
    expect(pool.markInvalid('only', REST_MS)).toEqual({ fingerprint: keyFingerprint('only'), benched: false, restMs: REST_MS });
    expect(stateOf(pool, 'only')).toBe('invalid');
    expect(pool.next('m')?.key).toBe('only');
    // Reported once: the next rejection of the same key changes nothing.
    expect(pool.markInvalid('only', REST_MS)).toBeUndefined();
  });

  it('never benches the last key that could serve: the other keys are benched already', () => {
    const pool = new KeyPool(['a', 'b', 'c'], clock);
    pool.markInvalid('a', REST_MS);
    pool.markInvalid('b', REST_MS);
    expect(pool.markInvalid('c', REST_MS)).toMatchObject({ benched: false });
    expect([1, 2].map(() => pool.next('m')?.key)).toEqual(['c', 'c']);
    expect(pool.states().map((entry) => entry.state)).toEqual(['invalid', 'invalid', 'invalid']);
  });

  it('hands out the key whose rest ends soonest when every key is benched, never none', () => {
    const pool = new KeyPool(['a', 'b', 'c'], clock);
    pool.markInvalid('b', REST_MS);
    now += 10;
    pool.markInvalid('a', REST_MS);
    pool.replace(['a', 'b']);
    expect(pool.next('m')?.key).toBe('b');
    expect(pool.msUntilReady('m')).toBeUndefined();
  });

  it('answers rate-limited (undefined) only while the keys that are not benched are cooling', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    pool.markInvalid('a', REST_MS);
    pool.coolDown('b', 3000, 'm');
    expect(pool.next('m')).toBeUndefined();
    expect(pool.msUntilReady('m')).toBe(3000);
    expect(pool.next('other')?.key).toBe('b');
  });

  it('ignores a rejection of a key that a parallel call benched already, or that is not in the pool', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    pool.markInvalid('a', REST_MS);
    expect(pool.markInvalid('a', REST_MS)).toBeUndefined();
    expect(pool.markInvalid('stranger', REST_MS)).toBeUndefined();
  });
});

describe('KeyPool.replace (a rotated key file)', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('lets new keys join and removed keys leave, by fingerprint', () => {
    const pool = new KeyPool(['fixed', 'old'], clock);
    expect(pool.replace(['fixed', 'new-1', 'new-2'])).toEqual({ joined: [keyFingerprint('new-1'), keyFingerprint('new-2')], left: [keyFingerprint('old')] });
    expect(pool.size).toBe(3);
    expect(new Set([1, 2, 3].map(() => pool.next()?.key))).toEqual(new Set(['fixed', 'new-1', 'new-2']));
    expect(pool.states().map((entry) => entry.fingerprint)).toEqual(['fixed', 'new-1', 'new-2'].map(keyFingerprint));
  });

  it('keeps the state of keys that stay', () => {
    const pool = new KeyPool(['a', 'b', 'c'], clock);
    pool.markInvalid('a', REST_MS);
    pool.coolDown('b', 5000, 'm');
    expect(pool.replace(['a', 'b', 'c', 'd'])).toEqual({ joined: [keyFingerprint('d')], left: [] });
    expect(pool.states().map((entry) => entry.state)).toEqual(['invalid', 'cooling', 'active', 'active']);
    expect(new Set([1, 2, 3, 4].map(() => pool.next('m')?.key))).toEqual(new Set(['c', 'd']));
  });

  it('changes nothing for the same keys', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    expect(pool.replace(['b', 'a', 'a'])).toEqual({ joined: [], left: [] });
  });

  it('lets a key that was the last one be benched once a new key joins', () => {
    const pool = new KeyPool(['only'], clock);
    pool.markInvalid('only', REST_MS);
    pool.replace(['only', 'fresh']);
    expect(pool.markInvalid('only', REST_MS)).toMatchObject({ benched: true });
    expect([1, 2].map(() => pool.next()?.key)).toEqual(['fresh', 'fresh']);
  });
});
