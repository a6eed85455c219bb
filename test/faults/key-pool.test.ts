import { createHash } from 'node:crypto';
import request from 'supertest';
import { quotaExceededError } from '../emulator/google-error';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, RETRIES, upstreamKeys } from './fault-helpers';

const CALLER_KEY = 'caller-key-never-forwarded';

/** sha256 → 8 hex: how the pool names a key in logs (computed here independently of the sidecar). */
function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

describe('Gemini key pool (GEMINI_API_KEYS)', () => {
  let harness: SidecarHarness;
  const start = async (apiKeys: string[]) => {
    harness = await startSidecarHarness({ gemini: { apiKeys, retry: RETRIES } });
  };
  afterEach(() => harness.close());

  const chat = (model = 'gemini-2.5-flash', stream = false) =>
    request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${CALLER_KEY}`).send(chatBody('pool', stream, model));

  it('uses the keys round-robin and never the caller key', async () => {
    await start(['k1', 'k2', 'k3']);
    for (let index = 0; index < 6; index++) await chat().expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k1', 'k2', 'k3', 'k1', 'k2', 'k3']);
  });

  it('moves the retry of a 429 to another key at once and rests that key for that model only', async () => {
    await start(['k1', 'k2', 'k3']);
    harness.emulator.enqueue({ kind: 'json', ...quotaExceededError('30s') });
    const started = performance.now();
    const response = await chat().expect(200);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(response.body.choices[0].message.content).toBe('Echo: pool');
    expect(upstreamKeys(harness.emulator)).toEqual(['k1', 'k2']);
    harness.emulator.reset();
    for (let index = 0; index < 4; index++) await chat().expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k3', 'k2', 'k3', 'k2']);
    harness.emulator.reset();
    // Quotas are per model: k1 still serves another model, in its round-robin turn.
    for (let index = 0; index < 3; index++) await chat('gemini-2.5-pro').expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k3', 'k1', 'k2']);
    const cooling = harness.logs.find((line) => line.includes('pool key rate-limited'));
    expect(cooling).toContain(fingerprint('k1'));
    expect(cooling).toContain('"cooldownMs":30000');
  });

  it('benches a key Gemini calls API_KEY_INVALID for the cooldown and logs its fingerprint, never the key', async () => {
    // The emulator answers the key `invalid-key` with 400 API_KEY_INVALID.
    await start(['k1', 'invalid-key', 'k3']);
    await chat().expect(200);
    const response = await chat().expect(200);
    expect(response.body.choices[0].message.content).toBe('Echo: pool');
    expect(upstreamKeys(harness.emulator)).toEqual(['k1', 'invalid-key', 'k3']);
    harness.emulator.reset();
    for (let index = 0; index < 4; index++) await chat(index % 2 === 0 ? 'gemini-2.5-flash' : 'gemini-2.5-pro').expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k1', 'k3', 'k1', 'k3']);
    const logs = harness.logs.join('');
    const invalidLine = harness.logs.find((line) => line.includes('API_KEY_INVALID'));
    expect(invalidLine).toContain(`"keyFingerprint":"${fingerprint('invalid-key')}"`);
    expect(invalidLine).toContain('"keyState":"invalid","benchedMs":600000');
    expect(logs).not.toContain('invalid-key');
  });

  it('answers 429 with Retry-After and no upstream call while every key is cooling', async () => {
    await start(['k1', 'k2']);
    harness.emulator.enqueue({ kind: 'json', ...quotaExceededError('30s') }, { kind: 'json', ...quotaExceededError('30s') });
    const first = await chat().expect(429);
    expect(first.headers['retry-after']).toBe('30');
    expect(upstreamKeys(harness.emulator)).toEqual(['k1', 'k2']);
    harness.emulator.reset();
    for (const stream of [false, true]) {
      const response = await chat('gemini-2.5-flash', stream).expect(429);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(30);
      expect(response.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    }
    expect(harness.emulator.requests).toHaveLength(0);
    await chat('gemini-2.5-pro').expect(200);
    expect(harness.emulator.requests).toHaveLength(1);
  });
});
