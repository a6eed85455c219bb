import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { holdsServerKeys, requireCallerAuth } from '@sidecar/config/caller-auth';
import { ConfigError, loadConfig } from '@sidecar/config/load-config';
import { vertexAuthMode } from '@sidecar/config/vertex-config';

const dir = mkdtempSync(path.join(tmpdir(), 'vertex-config-'));

describe('the vertex config section and Google Gen AI SDK variables', () => {
  it.each([
    { name: 'true', value: 'true', enabled: true },
    { name: '1, as Google SDKs accept', value: '1', enabled: true },
    { name: 'false', value: 'false', enabled: false },
    { name: '0', value: '0', enabled: false },
  ])('GOOGLE_GENAI_USE_VERTEXAI=$name → vertex.enabled $enabled', ({ value, enabled }) => {
    expect(loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: value }, dir).vertex.enabled).toBe(enabled);
  });

  it('maps GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION, GOOGLE_VERTEX_BASE_URL, GOOGLE_API_KEY and GOOGLE_APPLICATION_CREDENTIALS', () => {
    const config = loadConfig(
      {
        GOOGLE_GENAI_USE_VERTEXAI: 'true',
        GOOGLE_CLOUD_PROJECT: 'my-project',
        GOOGLE_CLOUD_LOCATION: 'europe-west4',
        GOOGLE_VERTEX_BASE_URL: 'https://psc.example.internal',
        GOOGLE_API_KEY: 'express-key',
        GOOGLE_APPLICATION_CREDENTIALS: '/var/run/secrets/vertex/key.json',
      },
      dir,
    );
    expect(config.vertex).toMatchObject({
      enabled: true,
      project: 'my-project',
      location: 'europe-west4',
      baseUrl: 'https://psc.example.internal',
      apiKey: 'express-key',
      credentialsFile: '/var/run/secrets/vertex/key.json',
    });
    // A project (or a credentials file) beats the API key, as in Google's SDKs.
    expect(vertexAuthMode(config.vertex)).toBe('adc');
  });

  it('is express mode with an API key and neither project nor credentials file', () => {
    expect(vertexAuthMode(loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_API_KEY: 'k' }, dir).vertex)).toBe('express');
  });

  it('refuses Gemini Developer API keys on Vertex, naming both settings', () => {
    expect(() => loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: 'true', GEMINI_API_KEY: 'AIza-secret' }, dir)).toThrow(ConfigError);
    expect(() => loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: 'true', GEMINI_API_KEY: 'AIza-secret' }, dir)).toThrow(/vertex\.enabled .*GEMINI_API_KEY.*GOOGLE_API_KEY/);
  });

  it('refuses a malformed location and project, naming the variable', () => {
    expect(() => loadConfig({ GOOGLE_CLOUD_LOCATION: 'US Central' }, dir)).toThrow(/vertex\.location \(env GOOGLE_CLOUD_LOCATION="US Central"\)/);
    expect(() => loadConfig({ GOOGLE_CLOUD_PROJECT: 'x' }, dir)).toThrow(/vertex\.project/);
  });

  it('never shows GOOGLE_API_KEY in an error', () => {
    expect(() => loadConfig({ GOOGLE_API_KEY: '' + 'short', GOOGLE_CLOUD_LOCATION: 'Bad' }, dir)).not.toThrow(/short/);
  });

  it('counts Vertex credentials as the sidecar\'s own: callers must then be vouched for', () => {
    const config = loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: 'true' }, dir);
    expect(holdsServerKeys(config)).toBe(true);
    expect(() => requireCallerAuth(config)).toThrow(/Vertex AI credentials \(GOOGLE_GENAI_USE_VERTEXAI\)/);
    expect(() => requireCallerAuth(loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: 'true', SIDECAR_TRUST_INGRESS: 'true' }, dir))).not.toThrow();
  });

  it('lets client keys stand with Vertex credentials instead of Gemini keys', () => {
    expect(() => loadConfig({ GOOGLE_GENAI_USE_VERTEXAI: 'true', SIDECAR_API_KEYS: 'client-key-0123456789' }, dir)).not.toThrow();
  });
});
