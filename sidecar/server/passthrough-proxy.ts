import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { context, propagation } from '@opentelemetry/api';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { attemptOutcome } from '../observability/error-type';
import type { AppDeps } from './app-deps';
import { redactingStream } from './redact-stream';
import { silenceHttpProxyDeprecation } from './silence-http-proxy-deprecation';

/** Native Gemini paths proxied untouched (Google's SDKs and curl samples), beside the translated OpenAI routes. */
const NATIVE_PATH = /^\/(upload\/)?v1beta\/(models|files|cachedContents)(\/|:|$)/;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Google-style error body, since the callers of these paths speak the native API. */
function nativeError(res: ServerResponse, status: number, googleStatus: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify({ error: { code: status, message, status: googleStatus } }));
}

/**
 * The caller's Gemini key for a native call (when the sidecar has none of its own): `x-goog-api-key`, `?key=` (Google's curl
 * samples) or bearer token. Whatever the caller used, the key leaves only in `x-goog-api-key`.
 */
function nativeApiKey(req: Request): string | undefined {
  const header = req.headers['x-goog-api-key'];
  const fromHeader = (Array.isArray(header) ? header[0] : header)?.trim();
  if (fromHeader) return fromHeader;
  const fromQuery = new URL(req.originalUrl, 'http://sidecar').searchParams.get('key');
  if (fromQuery) return fromQuery;
  return BEARER.exec(req.headers.authorization ?? '')?.[1];
}

function withoutKeyParam(path: string): string {
  const url = new URL(path, 'http://sidecar');
  url.searchParams.delete('key');
  return `${url.pathname}${url.search}`;
}

/**
 * Proxies `/v1beta/models/*`, `/v1beta/files*` and `/v1beta/cachedContents*` to Gemini with http-proxy-middleware:
 * no body parsing in front of it and no response interceptor, so uploads and SSE streams pass through unbuffered.
 */
export function passthroughProxy(deps: AppDeps): RequestHandler {
  silenceHttpProxyDeprecation();
  const keys = new WeakMap<IncomingMessage, string>();
  const proxy = createProxyMiddleware<Request, ServerResponse>({
    target: deps.config.gemini.baseUrl,
    changeOrigin: true,
    xfwd: false,
    proxyTimeout: deps.config.gemini.firstByteTimeoutMs,
    pathRewrite: (path) => withoutKeyParam(path),
    // Responses are piped by hand through a redactor: Gemini error bodies quote what they were sent.
    selfHandleResponse: true,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    on: {
      proxyReq: (proxyReq, req) => {
        proxyReq.removeHeader('authorization');
        // The ingress's proof of the hop is a credential of this deployment, not Google's business.
        proxyReq.removeHeader(deps.config.consumers.ingressSecretHeader);
        proxyReq.setHeader('x-goog-api-key', keys.get(req) ?? '');
        // Google's side joins the trace under the sidecar's server span (the caller's traceparent is replaced).
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        for (const [name, value] of Object.entries(carrier)) proxyReq.setHeader(name, value);
      },
      proxyRes: (proxyRes, req, res) => {
        deps.metrics.upstreamAttempts.inc({ outcome: attemptOutcome(proxyRes.statusCode) });
        deps.logger.debug({ path: req.path, status: proxyRes.statusCode }, 'native Gemini call proxied');
        const headers = { ...proxyRes.headers };
        delete headers['content-length'];
        res.writeHead(proxyRes.statusCode ?? 502, headers);
        proxyRes.pipe(redactingStream([keys.get(req) ?? ''])).pipe(res);
      },
      error: (error, req, res) => {
        deps.metrics.upstreamAttempts.inc({ outcome: 'network' });
        deps.logger.warn({ err: error, path: (req as Request).path }, 'native Gemini proxy failed');
        if (res instanceof ServerResponse) nativeError(res, 502, 'UNAVAILABLE', 'The sidecar could not reach Gemini.');
        else (res as Socket).destroy();
      },
    },
  });
  return (req, res, next) => {
    if (!NATIVE_PATH.test(req.path)) {
      next();
      return;
    }
    const key = deps.gemini.hasServerKeys ? deps.gemini.leaseKey() : nativeApiKey(req);
    if (!key) {
      nativeError(res, 401, 'UNAUTHENTICATED', 'No API key: send x-goog-api-key, or set GEMINI_API_KEY on the sidecar.');
      return;
    }
    keys.set(req, key);
    res.locals.routeLabel = 'native';
    void proxy(req, res, next);
  };
}
