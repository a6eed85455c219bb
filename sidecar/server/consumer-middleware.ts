import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { consumerOf } from '../spend/consumer-identity';
import type { AppDeps } from './app-deps';

/**
 * Finds who each request is billed to (consumer-identity.ts) and puts it on `res.locals.consumer` for the routes and
 * the access log, and on the server span as semconv `user.id`.
 */
export function consumerMiddleware(deps: Pick<AppDeps, 'config'>): RequestHandler {
  return (req, res, next) => {
    const settings = deps.config.consumers;
    const consumer = consumerOf(req.headers, {
      headers: settings.headers,
      trustIngress: deps.config.auth.trustIngress,
      ingressSecret: settings.ingressSecret,
      ingressSecretHeader: settings.ingressSecretHeader,
    });
    res.locals.consumer = consumer;
    trace.getActiveSpan()?.setAttribute('user.id', consumer.id);
    next();
  };
}
