import request from 'supertest';
import { loadRecordedChunks } from '../helpers/recorded-fixtures';
import { sampleValue } from '../helpers/metric-sample';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

const CHAT = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count my tokens' }] };

describe('metrics recorded per request', () => {
  let harness: SidecarHarness;
  beforeEach(async () => {
    harness = await startSidecarHarness();
  });
  afterEach(() => harness.close());

  const post = (body: object, path = '/v1/chat/completions') => request(harness.app).post(path).set('Authorization', 'Bearer secret-key-1234').send(body);

  it('records the operation, tokens, finish reason, attempt and the HTTP request of a chat completion', async () => {
    const response = await post(CHAT).expect(200);
    const operation = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-2.5-flash' };
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { ...operation, error_type: '' })).toBe(1);
    expect(await sampleValue(harness, 'gen_ai_client_token_usage_sum', { ...operation, gen_ai_token_type: 'input' })).toBe(response.body.usage.prompt_tokens);
    expect(await sampleValue(harness, 'gen_ai_client_token_usage_sum', { ...operation, gen_ai_token_type: 'output' })).toBe(
      response.body.usage.completion_tokens,
    );
    expect(await sampleValue(harness, 'gemini_sidecar_finish_reasons_total', { finish_reason: 'stop' })).toBe(1);
    expect(await sampleValue(harness, 'gemini_sidecar_upstream_attempts_total', { outcome: 'ok' })).toBe(1);
    expect(
      await sampleValue(harness, 'http_server_request_duration_seconds_count', {
        http_request_method: 'POST',
        http_route: '/v1/chat/completions',
        http_response_status_code: '200',
      }),
    ).toBe(1);
    expect(await sampleValue(harness, 'gemini_sidecar_inflight_requests', { stream: 'false' })).toBe(0);
  });

  it('records a Responses request as the same chat operation, told apart from chat by its http_route', async () => {
    await post(CHAT).expect(200);
    const unary = await post({ model: 'gemini-2.5-flash', input: 'count my tokens' }, '/v1/responses').expect(200);
    await post({ model: 'gemini-2.5-flash', input: 'count my tokens', stream: true }, '/v1beta/openai/responses').expect(200);
    const operation = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-2.5-flash' };
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { ...operation, error_type: '' })).toBe(3);
    expect(await sampleValue(harness, 'gen_ai_client_token_usage_count', { ...operation, gen_ai_token_type: 'input' })).toBe(3);
    expect(unary.body.usage.input_tokens).toBeGreaterThan(0);
    expect(await sampleValue(harness, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', operation)).toBe(1);
    // Finish reasons count in chat's values for both APIs (a Responses status is not a finish reason).
    expect(await sampleValue(harness, 'gemini_sidecar_finish_reasons_total', { finish_reason: 'stop' })).toBe(3);
    expect(await sampleValue(harness, 'gemini_sidecar_finish_reasons_total', { finish_reason: 'completed' })).toBe(0);
    const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    const called = await post({ model: 'gemini-2.5-flash', input: 'weather in Paris?', tools }, '/v1/responses').expect(200);
    expect(called.body.output.map((item: { type: string }) => item.type)).toContain('function_call');
    expect(await sampleValue(harness, 'gemini_sidecar_finish_reasons_total', { finish_reason: 'tool_calls' })).toBe(1);
    const route = (http_route: string) => ({ http_request_method: 'POST', http_route, http_response_status_code: '200' });
    expect(await sampleValue(harness, 'http_server_request_duration_seconds_count', route('/v1/chat/completions'))).toBe(1);
    expect(await sampleValue(harness, 'http_server_request_duration_seconds_count', route('/v1/responses'))).toBe(2);
    expect(await sampleValue(harness, 'http_server_request_duration_seconds_count', route('/v1beta/openai/responses'))).toBe(1);
    expect(await sampleValue(harness, 'gemini_sidecar_inflight_requests', {})).toBe(0);
  });

  it('records time to first chunk and time per chunk for streams', async () => {
    harness.emulator.enqueue({ kind: 'sse', chunks: loadRecordedChunks('vercel-ai/google-text.chunks.txt'), intervalMs: 20 });
    await post({ ...CHAT, stream: true }).expect(200);
    const labels = { gen_ai_operation_name: 'chat', gen_ai_request_model: 'gemini-2.5-flash' };
    expect(await sampleValue(harness, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', labels)).toBe(1);
    expect(await sampleValue(harness, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', labels)).toBe(2);
    expect(await sampleValue(harness, 'gemini_sidecar_inflight_requests', { stream: 'true' })).toBe(0);
  });

  it('labels a Gemini 429 with error_type "429" and the attempt outcome', async () => {
    harness.emulator.enqueue({ kind: 'json', status: 429, body: { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } } });
    await post(CHAT).expect(429);
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { error_type: '429' })).toBe(1);
    expect(await sampleValue(harness, 'gemini_sidecar_upstream_attempts_total', { outcome: '429' })).toBe(1);
  });

  it('keeps model labels bounded: a model outside the allow-list counts as "other"', async () => {
    await post({ ...CHAT, model: 'gemini-9.9-experimental-xyz' });
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_request_model: 'other' })).toBe(1);
  });

  it('counts ignored parameters by name, and caller-invented keys as "unknown"', async () => {
    await post({ ...CHAT, user: 'u', made_up_key_123: 1 }).expect(200);
    expect(await sampleValue(harness, 'gemini_sidecar_ignored_params_total', { param: 'user' })).toBe(1);
    expect(await sampleValue(harness, 'gemini_sidecar_ignored_params_total', { param: 'unknown' })).toBe(1);
    const exposition = await harness.metrics.registry.metrics();
    expect(exposition).not.toContain('made_up_key_123');
  });

  it('records embeddings as their own operation without inventing token counts', async () => {
    await post({ model: 'gemini-embedding-001', input: ['a', 'b'] }, '/v1/embeddings').expect(200);
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'embeddings', error_type: '' })).toBe(1);
    expect(await sampleValue(harness, 'gen_ai_client_token_usage_count', { gen_ai_operation_name: 'embeddings' })).toBe(0);
  });

  it('never exposes the API key in the exposition', async () => {
    await post(CHAT).expect(200);
    expect(await harness.metrics.registry.metrics()).not.toContain('secret-key-1234');
  });
});
