import express, { type Express } from 'express';
import { NotFoundError } from '../errors/sidecar-error';
import type { Logger } from '../observability/logger';
import type { SidecarMetrics } from '../observability/metrics';
import { errorMiddleware } from './error-middleware';

/** Whether the process should receive traffic; flipped off at shutdown. */
export interface Readiness {
  ready: boolean;
  /** Upstream credentials usable (Vertex: an access token and the project are known); absent: always. */
  upstreamReady?: () => boolean;
}

/** Admin app on ADMIN_PORT: /healthz (alive), /readyz (config loaded, accepting work; never calls Gemini), /metrics. */
export function createAdminApp(readiness: Readiness, logger: Logger, metrics?: SidecarMetrics): Express {
  const app = express();
  app.disable('x-powered-by');
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const credentials = readiness.upstreamReady?.() ?? true;
    const status = !readiness.ready ? 'shutting_down' : credentials ? 'ready' : 'credentials_unavailable';
    res.status(status === 'ready' ? 200 : 503).json({ status });
  });
  app.use((req, _res, next) => next(new NotFoundError(`Unknown admin URL: ${req.method} ${req.path}.`)));
  app.use(errorMiddleware(logger));
  return app;
}
