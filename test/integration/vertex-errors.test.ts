import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

const CHAT = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] };

describe('errors on the Vertex backend', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ backend: 'vertex' });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  it('turns a Vertex 401 (the sidecar\'s token refused) into 502 upstream_credentials_rejected, never the caller\'s 401, with the token redacted', async () => {
    await request(harness.app).post('/v1/chat/completions').send(CHAT).expect(200);
    const token = harness.googleAuth!.issued.at(-1)!;
    harness.emulator.enqueue({ kind: 'json', status: 401, body: { error: { code: 401, message: `Request had invalid authentication credentials: ${token}`, status: 'UNAUTHENTICATED' } } });
    const response = await request(harness.app).post('/v1/chat/completions').send(CHAT).expect(502);
    expect(response.body.error).toMatchObject({ type: 'api_error', code: 'upstream_credentials_rejected', param: null });
    expect(response.body.error.message).toMatch(/^Vertex AI rejected the sidecar's access token: Request had invalid authentication credentials/);
    expect(JSON.stringify(response.body)).not.toContain(token);
    expect(harness.logs.join('')).not.toContain(token);
  });

  it.each([
    { name: 'a Files API file in a chat message', body: { ...CHAT, messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'files/abc123' } }] }] }, message: /files\/abc123.*not available on Vertex AI/ },
    { name: 'a Files API image URL', body: { ...CHAT, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/img9' } }] }] }, message: /files\/img9/ },
  ])('refuses $name with 400 unsupported_on_vertex and no upstream call', async ({ body, message }) => {
    const response = await request(harness.app).post('/v1/chat/completions').send(body).expect(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_on_vertex', message: expect.stringMatching(message) });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it.each([
    ['post', '/v1/files', /The Files API is not available on Vertex AI/],
    ['get', '/v1/files', /The Files API/],
    ['get', '/v1beta/openai/files/file-abc/content', /The Files API/],
    ['post', '/v1/batches', /Batch Mode is not available on Vertex AI/],
    ['get', '/v1/batches/batch_abc', /Batch Mode/],
    ['post', '/v1beta/openai/batches/batch_abc/cancel', /Batch Mode/],
  ] as const)('answers %s %s with 400 unsupported_on_vertex and no upstream call (Gemini Batch Mode is a Developer API feature)', async (method, path, message) => {
    const call = request(harness.app)[method](path);
    const response = await (method === 'post' ? call.send({ input_file_id: 'file-abc', endpoint: '/v1/chat/completions', completion_window: '24h' }) : call).expect(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_on_vertex', param: null, message: expect.stringMatching(message) });
    expect(harness.emulator.requests).toHaveLength(0);
  });
});
