import request from 'supertest';
import { createLogger } from '@sidecar/observability/logger';
import { createAdminApp, type Readiness } from '@sidecar/server/health';
import { Writable } from 'node:stream';

const silent = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));

describe('admin server', () => {
  it('reports liveness on /healthz', async () => {
    const response = await request(createAdminApp({ ready: false }, silent)).get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('reports readiness on /readyz and turns 503 when not ready', async () => {
    const readiness: Readiness = { ready: true };
    const app = createAdminApp(readiness, silent);
    await request(app).get('/readyz').expect(200);
    readiness.ready = false;
    const response = await request(app).get('/readyz').expect(503);
    expect(response.body.status).toBe('shutting_down');
  });

  it('answers unknown admin paths with an OpenAI-shaped 404', async () => {
    const response = await request(createAdminApp({ ready: true }, silent)).get('/metrics-nope').expect(404);
    expect(response.body.error.code).toBe('unknown_url');
  });
});
