import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { context, propagation } from '@opentelemetry/api';
import type { RequestHandler as ProxyHandler } from 'http-proxy-middleware';
import { attemptOutcome } from '../observability/error-type';
import { loadOnFirstUse } from '../util/load-on-first-use';
import type { AppDeps } from './app-deps';
import { redactingStream } from './redact-stream';
import { silenceHttpProxyDeprecation } from './silence-http-proxy-deprecation';

/** Native Gemini paths proxied untouched (Google's SDKs and curl samples), beside the translated OpenAI routes. */
const NATIVE_PATH = /^\/(upload\/)?v1beta\/(models|files|cachedContents)(\/|:|$)/;
/** Vertex paths Google's SDKs send in Vertex mode, served when the backend is Vertex. */
const VERTEX_NATIVE_PATH = /^\/(v1|v1beta1)\/(projects\/[^/]+\/locations\/[^/]+\/)?publishers\//;
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
  const keys = new WeakMap<IncomingMessage, string>();
  const credentials = new WeakMap<IncomingMessage, Record<string, string>>();
  const vertexPaths = new WeakMap<IncomingMessage, string>();
  const backend = deps.gemini.backend;
  // Built at the first native call: http-proxy-middleware and http-proxy stay out of a sidecar that only serves the
  // OpenAI API (part of its idle memory).
  let built: ProxyHandler<Request, ServerResponse> | undefined;
  const proxy = (req: Request, res: ServerResponse, next: NextFunction): Promise<void> => (built ??= buildProxy())(req, res, next);
  const buildProxy = (): ProxyHandler<Request, ServerResponse> => {
    silenceHttpProxyDeprecation();
    const { createProxyMiddleware } = loadOnFirstUse<typeof import('http-proxy-middleware')>('http-proxy-middleware');
    return createProxyMiddleware<Request, ServerResponse>({
      // A Vertex native path already carries the base URL's own path prefix.
      target: backend?.nativePath ? new URL(backend.baseUrl).origin : deps.config.gemini.baseUrl,
      changeOrigin: true,
      xfwd: false,
      proxyTimeout: deps.config.gemini.firstByteTimeoutMs,
      pathRewrite: (path, req) => vertexPaths.get(req) ?? withoutKeyParam(path),
      // Responses are piped by hand through a redactor: Gemini error bodies quote what they were sent.
      selfHandleResponse: true,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      on: {
        proxyReq: (proxyReq, req) => {
          proxyReq.removeHeader('authorization');
          proxyReq.removeHeader('x-goog-api-key');
          // The ingress's proof of the hop is a credential of this deployment, not Google's business.
          proxyReq.removeHeader(deps.config.consumers.ingressSecretHeader);
          for (const [name, value] of Object.entries(credentials.get(req) ?? { 'x-goog-api-key': keys.get(req) ?? '' })) proxyReq.setHeader(name, value);
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
  };
  type NativePath = (pathname: string, search: string) => { path: string } | { unsupported: string };
  const toVertex = async (req: Request, res: Response, next: NextFunction, nativePath: NativePath): Promise<void> => {
    const url = new URL(withoutKeyParam(req.originalUrl), 'http://sidecar');
    const target = nativePath(url.pathname, url.search);
    if ('unsupported' in target) {
      nativeError(res, 400, 'INVALID_ARGUMENT', `${target.unsupported} is not available on Vertex AI, the sidecar's backend.`);
      return;
    }
    let credential: { header: Record<string, string>; secret: string } | undefined;
    try {
      credential = await deps.gemini.nativeCredential?.();
    } catch (error) {
      nativeError(res, 503, 'UNAVAILABLE', (error as Error).message);
      return;
    }
    if (!credential) {
      nativeError(res, 503, 'UNAVAILABLE', 'The sidecar has no Vertex AI credential for this call.');
      return;
    }
    keys.set(req, credential.secret);
    credentials.set(req, credential.header);
    vertexPaths.set(req, target.path);
    res.locals.routeLabel = 'native';
    void proxy(req, res, next);
  };
  const nativePath = backend?.nativePath?.bind(backend);
  return (req, res, next) => {
    if (nativePath && (NATIVE_PATH.test(req.path) || VERTEX_NATIVE_PATH.test(req.path))) {
      void toVertex(req, res, next, nativePath);
      return;
    }
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
