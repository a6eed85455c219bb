import request from 'supertest';
import { TINY_PNG_BASE64 } from '../emulator/default-media';
import { sampleValue } from '../helpers/metric-sample';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

describe('metrics of the completions, audio and image-edit routes', () => {
  let harness: SidecarHarness;
  beforeEach(async () => {
    harness = await startSidecarHarness();
  });
  afterEach(() => harness.close());

  const operation = (name: string, model: string) => ({ gen_ai_operation_name: name, gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: harness.metrics.modelLabel(model) });
  const route = (path: string, status = '200') => ({ http_request_method: 'POST', http_route: path, http_response_status_code: status });

  it('records /v1/completions as a text_completion operation with its tokens and finish reasons', async () => {
    const response = await request(harness.app).post('/v1/completions').set('Authorization', 'Bearer k').send({ model: 'gemini-2.5-flash', prompt: ['a', 'b'] }).expect(200);
    const labels = operation('text_completion', 'gemini-2.5-flash');
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' })).toBe(1);
    expect(await sampleValue(harness, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'input' })).toBe(response.body.usage.prompt_tokens);
    expect(await sampleValue(harness, 'gemini_sidecar_finish_reasons_total', { finish_reason: 'stop' })).toBe(2);
    expect(await sampleValue(harness, 'http_server_request_duration_seconds_count', route('/v1/completions'))).toBe(1);
  });

  it('records speech, transcription and image edits as generate_content operations, and an upstream error with its type', async () => {
    await request(harness.app).post('/v1/audio/speech').set('Authorization', 'Bearer k').send({ model: 'tts-1', voice: 'alloy', input: 'hi', response_format: 'pcm' }).expect(200);
    await request(harness.app).post('/v1/audio/transcriptions').set('Authorization', 'Bearer k').field('model', 'whisper-1').attach('file', Buffer.from('RIFF'), { filename: 'a.wav', contentType: 'audio/wav' }).expect(200);
    await request(harness.app).post('/v1/images/edits').set('Authorization', 'Bearer k').field('model', 'gemini-2.5-flash-image').field('prompt', 'edit').attach('image', Buffer.from(TINY_PNG_BASE64, 'base64'), { filename: 'a.png', contentType: 'image/png' }).expect(200);
    harness.emulator.enqueue({ kind: 'json', status: 429, body: { error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } } });
    await request(harness.app).post('/v1/audio/speech').set('Authorization', 'Bearer k').send({ model: 'tts-1', voice: 'alloy', input: 'again' }).expect(429);
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { ...operation('generate_content', 'gemini-3.8-flash-lite-tts'), error_type: '' })).toBe(1);
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { ...operation('generate_content', 'gemini-3.5-flash'), error_type: '' })).toBe(1);
    expect(await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', { ...operation('generate_content', 'gemini-2.5-flash-image'), error_type: '' })).toBe(1);
    const failed = await sampleValue(harness, 'gen_ai_client_operation_duration_seconds_count', operation('generate_content', 'gemini-3.8-flash-lite-tts'));
    expect(failed).toBe(2);
    for (const path of ['/v1/audio/speech', '/v1/audio/transcriptions', '/v1/images/edits']) {
      expect(await sampleValue(harness, 'http_server_request_duration_seconds_count', route(path))).toBe(1);
    }
    expect(await sampleValue(harness, 'http_server_request_duration_seconds_count', route('/v1/audio/speech', '429'))).toBe(1);
    expect(await sampleValue(harness, 'gemini_sidecar_inflight_requests', { stream: 'false' })).toBe(0);
  });
});
