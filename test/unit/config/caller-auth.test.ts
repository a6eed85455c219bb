import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { authModeOf, requireCallerAuth } from '@sidecar/config/caller-auth';
import { configSchema } from '@sidecar/config/config-schema';
import { ConfigError, loadConfig } from '@sidecar/config/load-config';

const CLIENT_KEY = 'a-sidecar-client-key-0001';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecar-caller-auth-'));
  writeFileSync(path.join(dir, 'keys'), 'file-key\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The config loaded from `env` alone (no file: the built-in defaults). */
function configOf(env: Record<string, string>) {
  return loadConfig({ ...env, ...(env.GEMINI_API_KEYS_FILE ? { GEMINI_API_KEYS_FILE: path.join(dir, 'keys') } : {}) }, dir);
}

/** The refusal's message, or undefined when the config may start. */
function refusal(env: Record<string, string>): string | undefined {
  try {
    requireCallerAuth(configOf(env));
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('requireCallerAuth (start-up)', () => {
  it.each<{ name: string; env: Record<string, string> }>([
    { name: 'GEMINI_API_KEY', env: { GEMINI_API_KEY: 'server-key' } },
    { name: 'GEMINI_API_KEYS', env: { GEMINI_API_KEYS: 'k1,k2' } },
    { name: 'GEMINI_API_KEYS_FILE', env: { GEMINI_API_KEYS_FILE: 'keys' } },
    { name: 'GEMINI_API_KEY with SIDECAR_TRUST_INGRESS=false', env: { GEMINI_API_KEY: 'server-key', SIDECAR_TRUST_INGRESS: 'false' } },
  ])('refuses $name without client keys or a trusted ingress, in one line naming both settings', ({ env }) => {
    const message = refusal(env);
    expect(message).toBeDefined();
    expect(message).not.toContain('\n');
    expect(message).toContain('SIDECAR_API_KEYS (auth.clientKeys)');
    expect(message).toContain('SIDECAR_TRUST_INGRESS=true (auth.trustIngress)');
    expect(message).not.toMatch(/server-key|k1|file-key/);
  });

  it.each<{ name: string; env: Record<string, string>; mode: string }>([
    { name: 'server key and client keys', env: { GEMINI_API_KEY: 'server-key', SIDECAR_API_KEYS: CLIENT_KEY }, mode: 'client-keys' },
    { name: 'server key and a trusted ingress', env: { GEMINI_API_KEY: 'server-key', SIDECAR_TRUST_INGRESS: 'true' }, mode: 'trusted-ingress' },
    { name: 'key file and a trusted ingress', env: { GEMINI_API_KEYS_FILE: 'keys', SIDECAR_TRUST_INGRESS: 'true' }, mode: 'trusted-ingress' },
    { name: 'both settings (client keys are checked)', env: { GEMINI_API_KEYS: 'k1,k2', SIDECAR_API_KEYS: CLIENT_KEY, SIDECAR_TRUST_INGRESS: 'true' }, mode: 'client-keys' },
    { name: 'no server key (callers bring their own Gemini key)', env: {}, mode: 'caller-key' },
    { name: 'no server key and a trusted ingress', env: { SIDECAR_TRUST_INGRESS: 'true' }, mode: 'caller-key' },
  ])('starts with $name', ({ env, mode }) => {
    expect(refusal(env)).toBeUndefined();
    expect(authModeOf(configOf(env))).toBe(mode);
  });

  it('is not part of loading or parsing the config (the in-process harness parses configs with server keys)', () => {
    const parsed = configSchema.parse({ gemini: { apiKey: 'server-key' } });
    expect(parsed.auth).toEqual({ clientKeys: [], trustIngress: false });
    expect(() => requireCallerAuth(parsed)).toThrow(ConfigError);
  });
});
