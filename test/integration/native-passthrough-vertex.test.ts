import request from 'supertest';
import { startSidecarHarness, VERTEX_PROJECT, type SidecarHarness } from '../helpers/sidecar-harness';

const BODY = { contents: [{ role: 'user', parts: [{ text: 'native hello' }] }] };
const SCOPED = `/v1/projects/${VERTEX_PROJECT}/locations/global/publishers/google/models`;

describe('native Gemini passthrough on the Vertex backend', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ backend: 'vertex' });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  it('sends a Developer-API path (a Google SDK in Developer mode) to its Vertex path with the sidecar\'s token, not the caller\'s key', async () => {
    const response = await request(harness.app).post('/v1beta/models/gemini-2.5-flash:generateContent?key=caller-key').set('x-goog-api-key', 'caller-key').send(BODY).expect(200);
    expect(response.body.candidates[0].content.parts[0].text).toBe('Echo: native hello');
    const upstream = harness.emulator.lastRequest()!;
    expect(upstream.path).toBe(`${SCOPED}/gemini-2.5-flash:generateContent`);
    expect(upstream.headers.authorization).toBe(`Bearer ${harness.googleAuth!.issued.at(-1)}`);
    expect(upstream.headers['x-goog-api-key']).toBeUndefined();
    expect(upstream.body).toEqual(BODY);
  });

  it('keeps a Vertex path (a Google SDK in Vertex mode) but puts the sidecar\'s project and location in it; streams pass through', async () => {
    const response = await request(harness.app)
      .post('/v1beta1/projects/callers-project/locations/us-east5/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
      .send(BODY)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/text\/event-stream/);
    expect(response.text).toContain('"text": "hello"');
    expect(response.text).toContain('"finishReason": "STOP"');
    expect(harness.emulator.lastRequest()!.path).toBe(`/v1beta1/projects/${VERTEX_PROJECT}/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`);
  });

  it('lists publisher models through the passthrough', async () => {
    const response = await request(harness.app).get('/v1beta1/publishers/google/models').expect(200);
    expect(response.body.publisherModels.map((model: { name: string }) => model.name)).toContain('publishers/google/models/gemini-2.5-flash');
  });

  it.each([
    { path: '/v1beta/files', feature: /Gemini Files API/ },
    { path: '/upload/v1beta/files', feature: /Gemini Files API/ },
    { path: '/v1beta/cachedContents', feature: /cachedContents/ },
  ])('answers $path with a Google-shaped 400 naming what Vertex lacks, without calling upstream', async ({ path, feature }) => {
    const response = await request(harness.app).post(path).send({}).expect(400);
    expect(response.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringMatching(feature) });
    expect(response.body.error.message).toMatch(/not available on Vertex AI/);
    expect(harness.emulator.requests).toHaveLength(0);
  });
});
