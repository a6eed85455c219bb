import request from 'supertest';
import { cassetteReplayHeaders, loadCassette } from '../helpers/recorded-fixtures';
import { parseSseEvents, startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

// Real Gemini responses recorded by pydantic-ai (VCR cassettes), replayed byte for byte through the sidecar.
describe('recorded Gemini traffic through the sidecar', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const post = (body: object) => request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer k').send(body);

  it('streams the recorded SSE body (CRLF framing, usage that changes on the last chunk)', async () => {
    const [interaction] = loadCassette('pydantic-ai/test_google_model_stream.yaml');
    const recorded = interaction!.response.body;
    harness.emulator.enqueue({ kind: 'raw', status: 200, headers: cassetteReplayHeaders(interaction!), body: recorded });
    const response = await post({
      model: 'gemini-2.5-pro',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    }).expect(200);

    const geminiEvents = recorded
      .split('\r\n\r\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => JSON.parse(event.slice(6)) as {
        candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>;
        usageMetadata: { promptTokenCount: number; totalTokenCount: number };
      });
    const expectedText = geminiEvents
      .flatMap((event) => event.candidates?.[0]?.content?.parts ?? [])
      .filter((part) => !part.thought)
      .map((part) => part.text ?? '')
      .join('');
    const { events, done } = parseSseEvents(response.text);
    type Chunk = { choices: Array<{ delta: { content?: string | null } }>; usage?: { prompt_tokens: number; total_tokens: number } | null };
    const chunks = events as Chunk[];
    expect(done).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('')).toBe(expectedText);
    const lastUsage = geminiEvents.at(-1)!.usageMetadata;
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: lastUsage.promptTokenCount, total_tokens: lastUsage.totalTokenCount });
  });

  it('maps a recorded candidate blocked for SAFETY (content: {}) to content_filter with null content', async () => {
    const [interaction] = loadCassette('pydantic-ai/test_google_model_safety_settings.yaml');
    harness.emulator.enqueue({ kind: 'raw', status: 200, headers: cassetteReplayHeaders(interaction!), body: interaction!.response.body });
    const response = await post({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).expect(200);
    expect(response.body.choices[0]).toMatchObject({
      message: { role: 'assistant', content: null },
      finish_reason: 'content_filter',
      native_finish_reason: 'SAFETY',
    });
  });

  it('maps a recorded MAX_TOKENS answer with no parts to length, reasoning tokens reported', async () => {
    const [interaction] = loadCassette('pydantic-ai/test_google_model_max_tokens_thinking_model_empty_response.yaml');
    const recorded = JSON.parse(interaction!.response.body) as { usageMetadata: { thoughtsTokenCount: number } };
    harness.emulator.enqueue({ kind: 'raw', status: 200, headers: cassetteReplayHeaders(interaction!), body: interaction!.response.body });
    const response = await post({ model: 'gemini-2.5-pro', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).expect(200);
    expect(response.body.choices[0]).toMatchObject({ message: { content: null }, finish_reason: 'length' });
    expect(response.body.usage.completion_tokens_details.reasoning_tokens).toBe(recorded.usageMetadata.thoughtsTokenCount);
  });

  it('writes one access-log line per request with method, path, status and duration', async () => {
    await post({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'log me' }] }).expect(200);
    const line = harness.logs.map((entry) => JSON.parse(entry) as Record<string, unknown>).findLast((entry) => entry.msg === 'request');
    expect(line).toMatchObject({ method: 'POST', path: '/v1/chat/completions', status: 200, completed: true });
    expect(typeof line!.durationMs).toBe('number');
  });
});
