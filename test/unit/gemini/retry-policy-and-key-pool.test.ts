import { KeyPool, keyFingerprint } from '@sidecar/gemini/key-pool';
import { decideRetry, type RetryPolicy } from '@sidecar/gemini/retry-policy';

const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryWaitMs: 5000, deadlineMs: 10_000 };

describe('decideRetry', () => {
  it.each([
    { name: 'retries a 503 with full jitter (random 0.5 → half of base)', failure: { attempt: 1, elapsedMs: 0, status: 503 }, expected: { retry: true, delayMs: 50 } },
    { name: 'doubles the cap per attempt', failure: { attempt: 2, elapsedMs: 0, status: 500 }, expected: { retry: true, delayMs: 100 } },
    { name: 'retries a transport failure', failure: { attempt: 1, elapsedMs: 0 }, expected: { retry: true, delayMs: 50 } },
    { name: 'waits the delay Google asked for', failure: { attempt: 1, elapsedMs: 0, status: 429, requestedDelayMs: 2000 }, expected: { retry: true, delayMs: 2000 } },
    { name: 'answers at once when Google asks for more than maxRetryWaitMs', failure: { attempt: 1, elapsedMs: 0, status: 429, requestedDelayMs: 34_000 }, expected: { retry: false } },
    { name: 'switches key at once on 429 when another key is ready', failure: { attempt: 1, elapsedMs: 0, status: 429, requestedDelayMs: 34_000, otherKeyReady: true }, expected: { retry: true, delayMs: 0 } },
    { name: 'stops after maxAttempts', failure: { attempt: 3, elapsedMs: 0, status: 503 }, expected: { retry: false } },
    { name: 'stops when the wait would pass the deadline', failure: { attempt: 1, elapsedMs: 9990, status: 503 }, expected: { retry: false } },
    ...[400, 401, 403, 404].map((status) => ({ name: `never retries ${status}`, failure: { attempt: 1, elapsedMs: 0, status }, expected: { retry: false } })),
  ])('$name', ({ failure, expected }) => {
    expect(decideRetry(failure, policy, () => 0.5)).toEqual(expected);
  });

  it('never exceeds maxDelayMs', () => {
    expect(decideRetry({ attempt: 2, elapsedMs: 0, status: 503 }, { ...policy, maxAttempts: 20, baseDelayMs: 800 }, () => 0.999999)).toEqual({ retry: true, delayMs: 999 });
  });
});

describe('KeyPool', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('hands out keys round-robin', () => {
    const pool = new KeyPool(['a', 'b', 'c'], clock);
    expect([1, 2, 3, 4].map(() => pool.next()?.key)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('rests a rate-limited key for that model only, then brings it back', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    pool.coolDown('a', 5000, 'gemini-2.5-pro');
    expect([1, 2, 3].map(() => pool.next('gemini-2.5-pro')?.key)).toEqual(['b', 'b', 'b']);
    expect(pool.next('gemini-2.5-flash')?.key).toBe('a');
    expect(pool.states()).toEqual([
      { fingerprint: keyFingerprint('a'), state: 'cooling' },
      { fingerprint: keyFingerprint('b'), state: 'active' },
    ]);
    now += 5000;
    expect(new Set([pool.next('gemini-2.5-pro')?.key, pool.next('gemini-2.5-pro')?.key])).toEqual(new Set(['a', 'b']));
  });

  it('reports how long until a key is ready when all are resting', () => {
    const pool = new KeyPool(['a', 'b'], clock);
    pool.coolDown('a', 3000, 'm');
    pool.coolDown('b', 1500, 'm');
    expect(pool.next('m')).toBeUndefined();
    expect(pool.msUntilReady('m')).toBe(1500);
  });

  it('never rests the only key: Google, not the sidecar, decides when it may be used again', () => {
    const pool = new KeyPool(['only'], clock);
    pool.coolDown('only', 60_000, 'm');
    expect(pool.next('m')?.key).toBe('only');
  });

  it('benches a key Gemini calls invalid and reports its fingerprint, not the key', () => {
    const pool = new KeyPool(['good', 'bad'], clock);
    expect(pool.markInvalid('bad', 600_000)).toEqual({ fingerprint: keyFingerprint('bad'), benched: true, restMs: 600_000 });
    expect(keyFingerprint('bad')).toMatch(/^[0-9a-f]{8}$/);
    expect([1, 2, 3].map(() => pool.next()?.key)).toEqual(['good', 'good', 'good']);
  });
});
