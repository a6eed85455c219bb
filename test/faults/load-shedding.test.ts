import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, listenHarness, until } from './fault-helpers';

const CALLER_KEY = 'caller-gemini-key';

describe('admission limits', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ server: { maxConcurrentRequests: 2, bodyLimitBytes: 1024, maxUrlBytes: 100 } });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  it('sheds a third request with 503 server_overloaded + Retry-After while two hung ones are in flight, then recovers', async () => {
    const server = await listenHarness(harness);
    const controllers = [new AbortController(), new AbortController()];
    try {
      harness.emulator.enqueue({ kind: 'hang' }, { kind: 'hang' });
      const hung = controllers.map((controller) =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(chatBody('hang')),
          signal: controller.signal,
        }).catch((error: unknown) => error),
      );
      await until(() => harness.emulator.requests.length === 2, 5_000, 'two hung upstream requests');
      expect(harness.lifecycle.active).toBe(2);
      const shed = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('one too many')),
      });
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(await shed.json()).toMatchObject({ error: { type: 'api_error', code: 'server_overloaded' } });
      expect(harness.emulator.requests).toHaveLength(2);
      for (const controller of controllers) controller.abort();
      await Promise.all(hung);
      await until(() => harness.lifecycle.active === 0, 2_000, 'the slots to be released');
      const after = await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${CALLER_KEY}`).send(chatBody('again')).expect(200);
      expect(after.body.choices[0].message.content).toBe('Echo: again');
      expect(harness.emulator.requests).toHaveLength(3);
    } finally {
      for (const controller of controllers) controller.abort();
      await server.close();
    }
  });

  it('answers a body over server.bodyLimitBytes with 413 and no upstream call', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${CALLER_KEY}`)
      .send(chatBody('x'.repeat(2048)))
      .expect(413);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('answers a URL over server.maxUrlBytes with 414 and no upstream call', async () => {
    const response = await request(harness.app)
      .post(`/v1/chat/completions?padding=${'a'.repeat(200)}`)
      .set('Authorization', `Bearer ${CALLER_KEY}`)
      .send(chatBody('long url'))
      .expect(414);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'uri_too_long' });
    expect(harness.emulator.requests).toHaveLength(0);
  });
});
