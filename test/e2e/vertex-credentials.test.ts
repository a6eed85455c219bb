import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startFakeGoogleAuth, writeExternalAccountFile, type FakeGoogleAuth } from '../helpers/fake-google-auth';
import { freePort, SIDECAR_MAIN, spawnManaged, startSidecarProcess, waitForHttp, type ManagedProcess } from '../helpers/sidecar-process';
import { pythonClientsPython } from '../helpers/tool-paths';

const run = promisify(execFile);

/** A Vertex-mode sidecar's environment: no Gemini key, an isolated HOME (no gcloud ADC file), the emulator as endpoint. */
function vertexEnv(emulator: GeminiEmulator, extra: Record<string, string>): Record<string, string> {
  return {
    GEMINI_API_KEY: '',
    GOOGLE_GENAI_USE_VERTEXAI: 'true',
    GOOGLE_VERTEX_BASE_URL: emulator.url,
    HOME: mkdtempSync(join(tmpdir(), 'vertex-home-')),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** The metadata server as GKE Workload Identity exposes it, through google-auth-library's documented override. */
function metadataEnv(fake: FakeGoogleAuth): Record<string, string> {
  return { GCE_METADATA_HOST: fake.host, METADATA_SERVER_DETECTION: 'assume-present' };
}

function bearer(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  return String(request.headers.authorization ?? '').replace(/^Bearer /, '') || undefined;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

describe('Vertex AI credentials in the built sidecar process', () => {
  let emulator: GeminiEmulator;
  let fake: FakeGoogleAuth;
  const processes: ManagedProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeGoogleAuth({ projectId: 'wi-project' });
    emulator = await GeminiEmulator.start({ acceptsToken: (token) => fake.accepts(token) });
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((sidecar) => sidecar.stop()));
    fake.failing = false;
    fake.expiresInSeconds = 3599;
    emulator.reset();
  });
  afterAll(async () => {
    await emulator.close();
    await fake.close();
  });

  it('GKE Workload Identity: the metadata server token and project, the stock Node and Python SDKs, tokens refreshed ahead of expiry off the request path', async () => {
    // 302 s of life against the default 300 s margin: the background refresh comes about 2 s after the first token.
    fake.expiresInSeconds = 302;
    const sidecar = await startSidecarProcess(emulator.url, vertexEnv(emulator, metadataEnv(fake)));
    processes.push(sidecar);
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${sidecar.url}/v1`, maxRetries: 0 });

    const completion = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo: hi');
    const sent = emulator.lastRequest()!;
    expect(sent.path).toBe('/v1/projects/wi-project/locations/global/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(bearer(sent)).toBe(fake.issued[0]);
    expect(sent.headers['x-goog-api-key']).toBeUndefined();
    const tokenCall = fake.calls.find((call) => call.kind === 'metadata')!;
    expect(tokenCall.headers['metadata-flavor']).toBe('Google');

    const python = await run(
      pythonClientsPython(),
      ['-c', 'import sys, openai\nc = openai.OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0)\nr = c.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "from python"}])\nprint(r.choices[0].message.content)\ne = c.embeddings.create(model="gemini-embedding-001", input=["a", "b"], dimensions=8)\nprint(len(e.data), len(e.data[0].embedding))', `${sidecar.url}/v1`],
      { timeout: 60_000 },
    );
    expect(python.stdout.trim().split('\n')).toEqual(['Echo: from python', '2 8']);
    expect(emulator.requests.at(-1)!.path).toBe('/v1/projects/wi-project/locations/global/publishers/google/models/gemini-embedding-001:predict');

    await waitFor(() => fake.issued.length >= 2, 8000, 'the background token refresh');
    const tokenCallsBefore = fake.calls.filter((call) => call.kind === 'metadata').length;
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'again' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: again');
    expect(bearer(emulator.lastRequest()!)).toBe(fake.issued.at(-1));
    expect(fake.calls.filter((call) => call.kind === 'metadata').length).toBe(tokenCallsBefore);
    for (const token of fake.issued) expect(sidecar.output()).not.toContain(token);
    expect(sidecar.output()).toContain('"keyMode":"vertex-adc"');
  }, 90_000);

  it('credential failure at start-up: /readyz 503 credentials_unavailable with a clear log line, requests 503 upstream_credentials_unavailable fast, ready once the metadata server answers', async () => {
    fake.failing = true;
    const [port, adminPort] = [await freePort(), await freePort()];
    const sidecar = spawnManaged(process.execPath, [SIDECAR_MAIN], {
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      SIDECAR_TRUST_INGRESS: 'true',
      OTEL_SDK_DISABLED: 'true',
      GOOGLE_CLOUD_PROJECT: 'wi-project',
      ...vertexEnv(emulator, metadataEnv(fake)),
    });
    processes.push(sidecar);
    const notReady = await waitForHttp(`http://127.0.0.1:${adminPort}/readyz`, 10_000, (response) => response.status === 503);
    expect(await notReady.json()).toEqual({ status: 'credentials_unavailable' });
    await waitFor(() => sidecar.output().includes('Vertex AI credentials failed'), 5000, 'the credential log line');

    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { type: 'api_error', code: 'upstream_credentials_unavailable', param: null } });
    // The background fetch already failed, so the request is answered at once instead of waiting for the next try.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(emulator.requests).toHaveLength(0);

    fake.failing = false;
    await waitForHttp(`http://127.0.0.1:${adminPort}/readyz`, 20_000);
    const recovered = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'back' }] }),
    });
    expect(recovered.status).toBe(200);
  }, 60_000);

  it('an external-account file (Workload Identity Federation): the subject token exchanged at its token_url', async () => {
    const sidecar = await startSidecarProcess(
      emulator.url,
      vertexEnv(emulator, { GOOGLE_APPLICATION_CREDENTIALS: writeExternalAccountFile(fake), GOOGLE_CLOUD_PROJECT: 'wif-project', GOOGLE_CLOUD_LOCATION: 'us-central1' }),
    );
    processes.push(sidecar);
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${sidecar.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'federated' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo: federated');
    const exchange = fake.calls.find((call) => call.kind === 'sts')!;
    expect(new URLSearchParams(exchange.body).get('subject_token')).toBe('eyJhbGciOiJSUzI1NiJ9.projected-ksa-token.sig');
    expect(new URLSearchParams(exchange.body).get('scope')).toBe('https://www.googleapis.com/auth/cloud-platform');
    expect(emulator.lastRequest()!.path).toBe('/v1/projects/wif-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(bearer(emulator.lastRequest()!)).toBe(fake.issued.at(-1));
    // The file is read and checked by the sidecar: none of google-auth-library's console warnings about
    // externally sourced credentials (keyFilename, credentials, fromJSON) lands outside the JSON log.
    expect(sidecar.output()).not.toMatch(/deprecated|does not validate|externally-sourced/);
    // Preview models serve from global only: the sidecar passes Vertex's 404 on as model_not_found.
    await expect(client.chat.completions.create({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  }, 60_000);

  it('express mode: a Vertex API key in x-goog-api-key, no project in the path', async () => {
    const authCalls = fake.calls.length;
    const sidecar = await startSidecarProcess(emulator.url, vertexEnv(emulator, { GOOGLE_API_KEY: 'vertex-express-key' }));
    processes.push(sidecar);
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${sidecar.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'express' }] });
    const sent = emulator.lastRequest()!;
    expect(sent.path).toBe('/v1/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('vertex-express-key');
    expect(sent.headers.authorization).toBeUndefined();
    expect(fake.calls).toHaveLength(authCalls);
    expect(sidecar.output()).not.toContain('vertex-express-key');
  }, 60_000);

  it.each([
    { name: 'a missing file', content: undefined, message: /cannot be read: ENOENT/ },
    { name: 'a file that is not JSON', content: 'private_key=-----BEGIN PRIVATE KEY----- not json', message: /is not JSON$/m },
    { name: 'JSON that is no credentials file', content: '{"type":"api_key","secret":"hunter2-secret"}', message: /is not a Google credentials file \(type must be one of service_account, external_account/ },
  ])('refuses to start on $name in GOOGLE_APPLICATION_CREDENTIALS, naming the file and never quoting it', async ({ content, message }) => {
    const file = join(mkdtempSync(join(tmpdir(), 'vertex-creds-')), 'credentials.json');
    if (content !== undefined) writeFileSync(file, content);
    const env = { ...process.env, ...vertexEnv(emulator, { GOOGLE_APPLICATION_CREDENTIALS: file, SIDECAR_TRUST_INGRESS: 'true', PORT: '0', ADMIN_PORT: '0' }) };
    const failure = (await run(process.execPath, [SIDECAR_MAIN], { env, timeout: 20_000 }).then(
      () => undefined,
      (error: unknown) => error,
    )) as { code?: number; stderr?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure!.stderr).toContain(`openai-gemini-sidecar: failed to start: vertex.credentialsFile (GOOGLE_APPLICATION_CREDENTIALS) ${file}`);
    expect(failure!.stderr).toMatch(message);
    expect(failure!.stderr).not.toMatch(/PRIVATE KEY|hunter2/);
  }, 30_000);
});
