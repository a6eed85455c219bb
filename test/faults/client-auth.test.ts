import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigError, loadConfig } from '@sidecar/config/load-config';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { REPOSITORY_ROOT } from '../helpers/sidecar-process';
import { chatBody } from './fault-helpers';

const CLIENT_KEY = 'sidecar-client-key-0001';
const OWN_GEMINI_KEY = 'sidecar-own-gemini-key';

describe('auth.clientKeys (SIDECAR_API_KEYS)', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ auth: { clientKeys: [CLIENT_KEY] }, gemini: { apiKey: OWN_GEMINI_KEY } });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  it.each([
    { name: 'no key', authorization: undefined },
    { name: 'a wrong key', authorization: 'Bearer sidecar-client-key-0002' },
    { name: 'the Gemini key instead of a sidecar key', authorization: `Bearer ${OWN_GEMINI_KEY}` },
  ])('answers $name with 401 and no upstream call', async ({ authorization }) => {
    const call = request(harness.app).post('/v1/chat/completions');
    const response = await (authorization ? call.set('Authorization', authorization) : call).send(chatBody('let me in')).expect(401);
    expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('serves the right key, calling Gemini with the sidecar key and never the client key', async () => {
    const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${CLIENT_KEY}`).send(chatBody('hello')).expect(200);
    expect(response.body.choices[0].message.content).toBe('Echo: hello');
    expect(harness.emulator.requests).toHaveLength(1);
    const upstream = harness.emulator.requests[0]!;
    expect(upstream.headers['x-goog-api-key']).toBe(OWN_GEMINI_KEY);
    expect(JSON.stringify(upstream)).not.toContain(CLIENT_KEY);
  });

  it('checks native passthrough callers too, and swaps their sidecar key for the Gemini key', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'native' }] }] };
    await request(harness.app).post('/v1beta/models/gemini-2.5-flash:generateContent').set('x-goog-api-key', 'nope-not-a-client-key').send(body).expect(401);
    expect(harness.emulator.requests).toHaveLength(0);
    await request(harness.app).post('/v1beta/models/gemini-2.5-flash:generateContent').set('x-goog-api-key', CLIENT_KEY).send(body).expect(200);
    expect(harness.emulator.requests).toHaveLength(1);
    expect(harness.emulator.requests[0]!.headers['x-goog-api-key']).toBe(OWN_GEMINI_KEY);
    expect(JSON.stringify(harness.emulator.requests[0])).not.toContain(CLIENT_KEY);
  });
});

describe('loadConfig with auth.clientKeys', () => {
  it('fails with a ConfigError when SIDECAR_API_KEYS is set and the sidecar has no Gemini key', () => {
    expect(() => loadConfig({ SIDECAR_API_KEYS: CLIENT_KEY }, REPOSITORY_ROOT)).toThrow(ConfigError);
    expect(() => loadConfig({ SIDECAR_API_KEYS: CLIENT_KEY }, REPOSITORY_ROOT)).toThrow(/auth\.clientKeys.*SIDECAR_API_KEYS/);
  });

  it('fails with a ConfigError when a CONFIG_FILE sets clientKeys and no Gemini key', () => {
    const directory = mkdtempSync(join(tmpdir(), 'sidecar-auth-'));
    try {
      const file = join(directory, 'config.yaml');
      writeFileSync(file, `auth:\n  clientKeys: ["${CLIENT_KEY}"]\n`);
      expect(() => loadConfig({ CONFIG_FILE: file }, REPOSITORY_ROOT)).toThrow(ConfigError);
      const message = (() => {
        try {
          loadConfig({ CONFIG_FILE: file }, REPOSITORY_ROOT);
          return '';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(message).not.toContain(CLIENT_KEY);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('loads when the sidecar has pool keys (GEMINI_API_KEYS) besides the client keys', () => {
    const config = loadConfig({ SIDECAR_API_KEYS: CLIENT_KEY, GEMINI_API_KEYS: 'k1,k2' }, REPOSITORY_ROOT);
    expect(config.auth.clientKeys).toEqual([CLIENT_KEY]);
    expect(config.gemini.apiKeys).toEqual(['k1', 'k2']);
  });
});
