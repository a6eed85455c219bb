import request from 'supertest';
import { TINY_PNG_BASE64 } from '../emulator/default-media';
import { BACKENDS, startSidecarHarness, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';
import { sampleValue as sample } from '../helpers/metric-sample';
import { wavFile } from '../helpers/wav-file';

// The routes of issue #17 (legacy completions, speech, transcriptions, image edits) bill their Gemini usage to the
// consumer like chat does (consumer-spend.test.ts): no route's tokens go uncounted.

const KEY = 'caller-gemini-key-1234';
const KONG = { 'X-Consumer-Username': 'team-audio' };
const CONSUMER = { consumer: 'team-audio' };


const tokens = (harness: SidecarHarness, type: string, model?: string) =>
  sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...CONSUMER, gen_ai_token_type: type, ...(model ? { gen_ai_request_model: model } : {}) });

/** The JSON events of an SSE body. */
function events(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>);
}

describe.each(BACKENDS)('per-consumer spend of completions, speech, transcriptions and image edits on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  beforeEach(async () => {
    harness = await startSidecarHarness({ backend, auth: { trustIngress: true } });
  });
  afterEach(() => harness.close());
  const post = (path: string) => request(harness.app).post(path).set('Authorization', `Bearer ${KEY}`).set(KONG);

  it('legacy completions: the usage summed over prompts is billed once, unary and streamed', async () => {
    const unary = await post('/v1/completions').send({ model: 'gemini-2.5-flash', prompt: ['one', 'two'] }).expect(200);
    expect(await tokens(harness, 'input', 'gemini-2.5-flash')).toBe(unary.body.usage.prompt_tokens);
    expect(await tokens(harness, 'output', 'gemini-2.5-flash')).toBe(unary.body.usage.completion_tokens);
    const streamed = await post('/v1/completions').send({ model: 'gemini-2.5-flash', prompt: ['three', 'four'], stream: true, stream_options: { include_usage: true } }).expect(200);
    const usage = events(streamed.text).at(-1)!.usage as { prompt_tokens: number; completion_tokens: number };
    expect(await tokens(harness, 'input', 'gemini-2.5-flash')).toBe(unary.body.usage.prompt_tokens + usage.prompt_tokens);
    expect(await tokens(harness, 'output', 'gemini-2.5-flash')).toBe(unary.body.usage.completion_tokens + usage.completion_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', CONSUMER)).toBe(2);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', CONSUMER)).toBeGreaterThan(0);
  });

  it('speech: the TTS usage reported in speech.audio.done is billed to the consumer, and a unary answer too', async () => {
    const streamed = await post('/v1/audio/speech').send({ model: 'tts-1', voice: 'alloy', input: 'Hello there', response_format: 'pcm', stream_format: 'sse' }).expect(200);
    const usage = events(streamed.text).at(-1)!.usage as { input_tokens: number; output_tokens: number };
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(await tokens(harness, 'input')).toBe(usage.input_tokens);
    expect(await tokens(harness, 'output')).toBe(usage.output_tokens);
    await post('/v1/audio/speech').send({ model: 'tts-1', voice: 'alloy', input: 'Hello there', response_format: 'wav' }).expect(200);
    expect(await tokens(harness, 'output')).toBe(2 * usage.output_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', CONSUMER)).toBe(2);
  });

  it('transcriptions: the token usage answered is billed to the consumer', async () => {
    const answer = await post('/v1/audio/transcriptions').field('model', 'whisper-1').attach('file', wavFile(0.5), 'a.wav').expect(200);
    expect(answer.body.usage).toMatchObject({ type: 'tokens', input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(await tokens(harness, 'input')).toBe(answer.body.usage.input_tokens);
    expect(await tokens(harness, 'output')).toBe(answer.body.usage.output_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', CONSUMER)).toBe(1);
  });

  it('image edits: the images usage answered is billed to the consumer', async () => {
    const answer = await post('/v1/images/edits')
      .field('model', 'gemini-2.5-flash-image')
      .field('prompt', 'make it blue')
      .attach('image', Buffer.from(TINY_PNG_BASE64, 'base64'), { filename: 'a.png', contentType: 'image/png' })
      .expect(200);
    expect(answer.body.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(await tokens(harness, 'input', 'gemini-2.5-flash-image')).toBe(answer.body.usage.input_tokens);
    expect(await tokens(harness, 'output', 'gemini-2.5-flash-image')).toBe(answer.body.usage.output_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', CONSUMER)).toBe(1);
  });
});
