import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { RequestHandler } from 'express';

/**
 * Names the route on the HTTP server span (`http.route`, and the span name `POST /v1/chat/completions`): the HTTP
 * instrumentation reads the route from the RPC metadata it put in the request's context when the response ends.
 */
export function markHttpRoute(route: string): RequestHandler {
  return (_req, _res, next) => {
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type === RPCType.HTTP) metadata.route = route;
    next();
  };
}
