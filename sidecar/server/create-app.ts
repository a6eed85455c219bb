import express, { type Express } from 'express';
import { MethodNotAllowedError, NotFoundError, UriTooLongError } from '../errors/sidecar-error';
import { httpServerSpan } from '../observability/http-server-span';
import { clientAuth } from './client-auth';
import { consumerMiddleware } from './consumer-middleware';
import type { AppDeps } from './app-deps';
import { accessLog } from './access-log';
import { errorMiddleware } from './error-middleware';
import { jsonBody } from './json-body';
import { passthroughProxy } from './passthrough-proxy';
import { buildRoutes } from './routes';

/** Builds the OpenAI-compatible API app; wiring only, never listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(httpServerSpan(deps.tracer));
  app.use(accessLog(deps.logger, deps.metrics));
  app.use(deps.lifecycle.middleware());
  app.use(consumerMiddleware(deps));
  app.use((req, _res, next) => next(req.originalUrl.length > deps.config.server.maxUrlBytes ? new UriTooLongError(deps.config.server.maxUrlBytes) : undefined));
  if (deps.config.auth.clientKeys.length > 0) app.use(clientAuth(deps.config.auth.clientKeys));
  app.use(passthroughProxy(deps));
  // Any content type is read as JSON: `curl -d` without -H sends application/x-www-form-urlencoded.
  const json = jsonBody(deps.config.server.bodyLimitBytes);
  const methodsByPath = new Map<string, string[]>();
  for (const route of buildRoutes(deps)) {
    if (route.json) app[route.method](route.path, json, route.handler);
    else app[route.method](route.path, route.handler);
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method.toUpperCase()]);
  }
  for (const [path, methods] of methodsByPath) {
    app.all(path, (req, _res, next) => next(new MethodNotAllowedError(req.method, req.path, methods)));
  }
  app.use((req, _res, next) => next(new NotFoundError(`Unknown request URL: ${req.method} ${req.path}.`)));
  app.use(errorMiddleware(deps.logger));
  return app;
}
