import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

const KEY = 'caller-gemini-key-access-log-5678';
const CHAT = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'log me' }] };

describe('access log: one line per request, every field, no key', () => {
  let harness: SidecarHarness;
  beforeEach(async () => {
    harness = await startSidecarHarness();
  });
  afterEach(() => harness.close());

  const accessLines = () => harness.logs.map((entry) => JSON.parse(entry) as Record<string, unknown>).filter((entry) => entry.msg === 'request');

  it.each([false, true])('chat (stream %s): method, route, path, status, duration, consumer, model, finish reasons and usage', async (stream) => {
    const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send({ ...CHAT, stream, stream_options: stream ? { include_usage: true } : undefined }).expect(200);
    const [line] = accessLines();
    expect(accessLines()).toHaveLength(1);
    expect(line).toMatchObject({
      level: 30,
      service: 'openai-gemini-sidecar',
      method: 'POST',
      route: '/v1/chat/completions',
      path: '/v1/chat/completions',
      status: 200,
      completed: true,
      consumer: expect.stringMatching(/^key:[0-9a-f]{8}$/),
      consumerSource: 'key',
      model: 'gemini-2.5-flash',
      stream,
      finishReasons: ['stop'],
      usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
      msg: 'request',
    });
    expect(typeof line!.durationMs).toBe('number');
    expect(typeof line!.time).toBe('string');
    if (!stream) expect(line!.usage).toEqual(response.body.usage);
    expect(harness.logs.join('')).not.toContain(KEY);
  });

  it('logs an unmatched path under the route label `unmatched`, the raw path as the path', async () => {
    await request(harness.app).get('/v1/no-such-thing').set('Authorization', `Bearer ${KEY}`).expect(404);
    expect(accessLines()[0]).toMatchObject({ method: 'GET', route: 'unmatched', path: '/v1/no-such-thing', status: 404 });
    expect(harness.logs.join('')).not.toContain(KEY);
  });
});
