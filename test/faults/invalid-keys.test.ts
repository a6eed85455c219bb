import { createHash } from 'node:crypto';
import request from 'supertest';
import { invalidApiKeyError } from '../emulator/google-error';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, RETRIES, until, upstreamKeys } from './fault-helpers';

/** sha256 → 8 hex: how the pool names a key (computed here independently of the sidecar). */
function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** `gemini_sidecar_api_key_state` as {fingerprint: state}. */
async function keyStates(harness: SidecarHarness): Promise<Record<string, string>> {
  const text = await harness.metrics.registry.metrics();
  const states: Record<string, string> = {};
  for (const match of text.matchAll(/^gemini_sidecar_api_key_state\{key_fingerprint="(\w+)",state="(\w+)"\} 1$/gm)) states[match[1]!] = match[2]!;
  return states;
}

/** Key-problem answers are Gemini's verdict as 401, never a 5xx the sidecar made up (issue: one bad answer bricked a one-key sidecar). */
describe('keys Gemini calls invalid (API_KEY_INVALID)', () => {
  let harness: SidecarHarness;
  afterEach(() => harness.close());

  const chat = (stream = false, model = 'gemini-2.5-flash') =>
    request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer caller-key').send(chatBody('pool', stream, model));

  it('one server key: each request still goes to Gemini, answers 401 invalid_api_key, and serves again once the key is valid', async () => {
    harness = await startSidecarHarness({ gemini: { apiKey: 'server-key', retry: RETRIES } });
    harness.emulator.enqueue({ kind: 'json', ...invalidApiKeyError() }, { kind: 'json', ...invalidApiKeyError() }, { kind: 'json', ...invalidApiKeyError() });
    for (const model of ['gemini-2.5-flash', 'gemini-2.5-pro']) {
      const response = await chat(false, model).expect(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
    const streamed = await chat(true).expect(401);
    expect(streamed.body.error).toMatchObject({ code: 'invalid_api_key' });
    expect(await keyStates(harness)).toEqual({ [fingerprint('server-key')]: 'invalid' });
    // Re-enabled in the console: the next call is Gemini's to answer.
    const served = await chat().expect(200);
    expect(served.body.choices[0].message.content).toBe('Echo: pool');
    expect(upstreamKeys(harness.emulator)).toEqual(['server-key', 'server-key', 'server-key', 'server-key']);
    expect(await keyStates(harness)).toEqual({ [fingerprint('server-key')]: 'active' });
    const transitions = harness.logs.filter((line) => line.includes('"keyState"'));
    expect(transitions).toHaveLength(2);
    expect(transitions[0]).toContain('the last key that could serve');
    expect(transitions[1]).toContain('"keyState":"active"');
    expect(harness.logs.join('')).not.toContain('server-key');
  });

  it('a pool whose keys are all invalid: the last one is never benched and callers get Gemini\'s 401', async () => {
    harness = await startSidecarHarness({ gemini: { apiKeys: ['invalid-key', 'k2'], retry: RETRIES } });
    harness.emulator.enqueue({ kind: 'json', ...invalidApiKeyError() }, { kind: 'json', ...invalidApiKeyError() }, { kind: 'json', ...invalidApiKeyError() });
    // invalid-key is benched, the retry on k2 is rejected too: k2 is the last key that could serve and stays.
    const first = await chat().expect(401);
    expect(first.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(upstreamKeys(harness.emulator)).toEqual(['invalid-key', 'k2']);
    harness.emulator.reset();
    harness.emulator.enqueue({ kind: 'json', ...invalidApiKeyError() });
    await chat().expect(401);
    await chat().expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k2', 'k2']);
    expect(await keyStates(harness)).toEqual({ [fingerprint('invalid-key')]: 'invalid', [fingerprint('k2')]: 'active' });
  });

  it('tries a benched key again after gemini.invalidKeyCooldownMs, and takes it back when Gemini accepts it', async () => {
    harness = await startSidecarHarness({ gemini: { apiKeys: ['k1', 'k2'], retry: RETRIES, invalidKeyCooldownMs: 300 } });
    harness.emulator.enqueue({ kind: 'json', ...invalidApiKeyError() });
    await chat().expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k1', 'k2']);
    expect(await keyStates(harness)).toEqual({ [fingerprint('k1')]: 'invalid', [fingerprint('k2')]: 'active' });
    harness.emulator.reset();
    await chat().expect(200);
    await chat().expect(200);
    expect(upstreamKeys(harness.emulator)).toEqual(['k2', 'k2']);
    const benchedAt = Date.now();
    await until(() => Date.now() - benchedAt > 300, 2_000, 'the cooldown');
    harness.emulator.reset();
    for (let index = 0; index < 4; index++) await chat().expect(200);
    expect(upstreamKeys(harness.emulator).sort()).toEqual(['k1', 'k1', 'k2', 'k2']);
    expect(await keyStates(harness)).toEqual({ [fingerprint('k1')]: 'active', [fingerprint('k2')]: 'active' });
    const states = harness.logs.filter((line) => line.includes('"keyState"')).map((line) => JSON.parse(line) as { keyFingerprint: string; keyState: string; benchedMs?: number });
    expect(states).toEqual([
      expect.objectContaining({ keyFingerprint: fingerprint('k1'), keyState: 'invalid', benchedMs: 300 }),
      expect.objectContaining({ keyFingerprint: fingerprint('k1'), keyState: 'active' }),
    ]);
  });

  it('applies the native passthrough key the same way: a one-key sidecar keeps asking Gemini', async () => {
    harness = await startSidecarHarness({ gemini: { apiKey: 'invalid-key' }, auth: { clientKeys: ['a-sidecar-client-key-01'] } });
    const body = { contents: [{ role: 'user', parts: [{ text: 'native' }] }] };
    for (let index = 0; index < 2; index++) {
      const response = await request(harness.app).post('/v1beta/models/gemini-2.5-flash:generateContent').set('x-goog-api-key', 'a-sidecar-client-key-01').send(body);
      expect(response.status).toBe(400);
      expect(response.body.error.details[0].reason).toBe('API_KEY_INVALID');
    }
    await chat().set('Authorization', 'Bearer a-sidecar-client-key-01').expect(401);
    expect(upstreamKeys(harness.emulator)).toEqual(['invalid-key', 'invalid-key', 'invalid-key']);
  });
});
