import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '@sidecar/config/load-config';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecar-config-source-'));
  file = path.join(dir, 'config/default.yaml');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(yaml: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, yaml);
}

/** The message of the ConfigError a load throws; fails the test when it loads or throws something else. */
function configErrorMessage(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('config errors name the true source of the bad value', () => {
  it('names env SIDECAR_API_KEYS (not the file) for a short client key, without showing it', () => {
    writeConfig('auth:\n  clientKeys: []\n');
    const message = configErrorMessage({ SIDECAR_API_KEYS: 'short', GEMINI_API_KEY: 'server-key' });
    expect(message).toContain('auth.clientKeys.0 (env SIDECAR_API_KEYS)');
    expect(message).not.toContain('file');
    expect(message).not.toContain('short');
  });

  it('names env SIDECAR_TRUST_INGRESS and its value for a word that is not true or false', () => {
    const message = configErrorMessage({ SIDECAR_TRUST_INGRESS: 'yes' });
    expect(message).toContain('auth.trustIngress (env SIDECAR_TRUST_INGRESS="yes")');
  });

  it('names the variable for a later list item, with its index in the key', () => {
    const message = configErrorMessage({ GEMINI_API_KEY: 'server-key', SIDECAR_API_KEYS: 'a-sidecar-key-of-16+,short' });
    expect(message).toContain('auth.clientKeys.1 (env SIDECAR_API_KEYS)');
  });

  it('names the file, and the variable that is not set, for a bad list item in the file', () => {
    writeConfig('auth:\n  clientKeys: [short]\ngemini:\n  apiKey: server-key\n');
    expect(configErrorMessage({})).toContain(`auth.clientKeys.0 (file ${file}; env SIDECAR_API_KEYS not set)`);
  });

  it('names env PORT with its value when the variable set it', () => {
    writeConfig('server:\n  port: 8080\n');
    expect(configErrorMessage({ PORT: 'abc' })).toContain('server.port (env PORT="abc")');
  });

  it('names the file when the env variable is empty and the file holds the bad value', () => {
    writeConfig('server:\n  port: eighty\n');
    expect(configErrorMessage({ PORT: '' })).toContain(`server.port (file ${file}; env PORT not set)`);
  });

  it('names the file for a key no variable sets', () => {
    writeConfig('gemini:\n  apiVersion: v2\n');
    expect(configErrorMessage({})).toContain(`gemini.apiVersion (file ${file})`);
  });

  it('names where client keys came from when the sidecar lacks its own Gemini key', () => {
    writeConfig('auth:\n  clientKeys: [a-sidecar-key-of-16+]\n');
    expect(configErrorMessage({})).toContain(`auth.clientKeys (file ${file}; env SIDECAR_API_KEYS not set)`);
  });
});

describe('server.port equal to server.adminPort', () => {
  it.each([
    { name: 'PORT set to the default admin port', env: { PORT: '9090' }, yaml: '', port: 'env PORT="9090"', adminPort: 'default; env ADMIN_PORT not set' },
    { name: 'ADMIN_PORT set to the default API port', env: { ADMIN_PORT: '8080' }, yaml: '', port: 'default; env PORT not set', adminPort: 'env ADMIN_PORT="8080"' },
    { name: 'both variables set alike', env: { PORT: '7000', ADMIN_PORT: '7000' }, yaml: 'server:\n  port: 1\n  adminPort: 2\n', port: 'env PORT="7000"', adminPort: 'env ADMIN_PORT="7000"' },
    { name: 'both in the file', env: {}, yaml: 'server:\n  port: 7000\n  adminPort: 7000\n', port: 'file FILE; env PORT not set', adminPort: 'file FILE; env ADMIN_PORT not set' },
    { name: 'one in the file, one from env', env: { ADMIN_PORT: '7000' }, yaml: 'server:\n  port: 7000\n', port: 'file FILE; env PORT not set', adminPort: 'env ADMIN_PORT="7000"' },
  ])('is a config error naming both keys and their sources: $name', ({ env, yaml, port, adminPort }) => {
    writeConfig(yaml);
    const message = configErrorMessage(env);
    expect(message).toContain(`server.port (${port.replace('FILE', file)})`);
    expect(message).toContain(`server.adminPort (${adminPort.replace('FILE', file)})`);
    expect(message).toContain('need different ports');
  });

  it('is still an error with a socket path, since the API listens on server.port as well', () => {
    writeConfig('');
    const message = configErrorMessage({ PORT: '7000', ADMIN_PORT: '7000', SOCKET_PATH: path.join(dir, 'api.sock') });
    expect(message).toContain('server.port (env PORT="7000") and server.adminPort (env ADMIN_PORT="7000")');
    expect(message).toContain('server.socketPath');
  });

  it('allows port 0 for both (each server gets its own free port)', () => {
    expect(loadConfig({ PORT: '0', ADMIN_PORT: '0' }, dir).server).toMatchObject({ port: 0, adminPort: 0 });
  });
});
