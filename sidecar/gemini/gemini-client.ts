import { Agent } from 'undici';
import { setTimeout as delay } from 'node:timers/promises';
import { ClientClosedError, SidecarError, UpstreamError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { attemptOutcome } from '../observability/error-type';
import { bodyBytes, bodyChunks, errorFromResponse, parseJson, readJson } from './upstream-body';
import { KeyPool, keyFingerprint } from './key-pool';
import { decideRetry, type RetryDecision } from './retry-policy';
import { beginCall, type ActiveCall, type GeminiCallOptions } from './active-call';
import { isRetryableTransport, transportError } from './transport-error';
import { parseModelCall, type GeminiBackend } from './backends/gemini-backend';
import { developerApiBackend } from './backends/developer-api';
import type { GeminiClientOptions, UpstreamJson, UpstreamRequestOptions } from './gemini-client-types';

export type { GeminiClientOptions, KeyEvent, UpstreamJson, UpstreamRequestOptions } from './gemini-client-types';

/** How long a pool key that answered 429 without a RetryInfo rests. */
const DEFAULT_COOLDOWN_MS = 60_000;

/**
 * The only code that talks to Gemini: one keep-alive undici pool, key in `x-goog-api-key` (never in the URL),
 * retries before any byte reached the client, a key pool, and connect / first-byte / idle / total timeouts.
 */
export class GeminiClient {
  readonly keyPool: KeyPool | undefined;
  private readonly dispatcher: Agent;
  readonly backend: GeminiBackend;
  private readonly origin: string;
  // Files and Batch API calls (upload/download roots) exist on the Developer API only; routes refuse them on Vertex.
  private readonly rootPath: string;

  constructor(private readonly options: GeminiClientOptions) {
    this.backend = options.backend ?? developerApiBackend(options);
    this.origin = new URL(this.backend.baseUrl).origin;
    this.rootPath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
    this.keyPool = options.keys && options.keys.length > 0 ? new KeyPool(options.keys) : undefined;
    this.dispatcher = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** Whether the sidecar calls Gemini with its own keys or Vertex credentials (then callers need none). */
  get hasServerKeys(): boolean {
    return this.keyPool !== undefined || this.backend.tokens !== undefined;
  }

  /** `POST models/{model}:generateContent` → the parsed JSON body. */
  generateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<unknown> {
    return this.callModel(model, 'generateContent', body, call);
  }

  /** `POST models/{model}:{method}` (embedContent, batchEmbedContents, predict ...) → the parsed JSON body. */
  async callModel(model: string, method: string, body: unknown, call: GeminiCallOptions): Promise<unknown> {
    const active = beginCall(call, this.options.totalTimeoutMs);
    try {
      return await readJson(await this.send('POST', `models/${model}:${method}`, active, body), active, this.options);
    } finally {
      active.end();
    }
  }

  /** `GET {path}` under the API version (e.g. `models?pageSize=1000`) → the parsed JSON body. */
  async getJson(path: string, call: GeminiCallOptions): Promise<unknown> {
    const active = beginCall(call, this.options.totalTimeoutMs);
    try {
      return await readJson(await this.send('GET', path, active), active, this.options);
    } finally {
      active.end();
    }
  }

  /** Files and Batch API calls: `{method} {path}` (under /upload or /download when asked) → JSON body and headers. */
  async requestJson(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, call: GeminiCallOptions, options: UpstreamRequestOptions = {}): Promise<UpstreamJson> {
    const active = beginCall(call, this.options.totalTimeoutMs);
    try {
      const response = await this.send(method, path, active, body, options);
      const text = await response.body.text().catch((error: unknown) => {
        throw transportError(error, active, this.options);
      });
      return { json: text.trim() === '' ? {} : parseJson(text, 'Gemini answered with a body that is not JSON.'), headers: response.headers };
    } finally {
      active.end();
    }
  }

  /** `GET {path}` under /download: the body as it arrives (a batch's results file), for as long as the caller reads. */
  async download(path: string, call: GeminiCallOptions): Promise<AsyncGenerator<Buffer>> {
    const active = beginCall(call, this.options.totalTimeoutMs);
    try {
      const response = await this.send('GET', path, active, undefined, { root: 'download' });
      return bodyBytes(response.body, active, this.options);
    } catch (error) {
      active.end();
      throw error;
    }
  }

  /** The origin the client calls, to check an upload URL Gemini hands out before a key is sent to it. */
  get upstreamOrigin(): string {
    return this.origin;
  }

  /** `POST models/{model}:streamGenerateContent?alt=sse`; resolves once headers say 200, then yields each chunk. */
  async streamGenerateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<AsyncGenerator<unknown>> {
    const active = beginCall(call, this.options.totalTimeoutMs);
    try {
      const response = await this.send('POST', `models/${model}:streamGenerateContent?alt=sse`, active, body);
      return bodyChunks(response.body, active, this.options, this.options.maxEventBytes);
    } catch (error) {
      active.end();
      throw error;
    }
  }


  /** A key of the sidecar's pool for a call made elsewhere (the native passthrough), or undefined. */
  leaseKey(): string | undefined {
    return this.keyPool?.next()?.key;
  }

  /** The header a native (passthrough) call authenticates with on the sidecar's credentials: a Vertex token or a pool key. */
  async nativeCredential(signal?: AbortSignal): Promise<{ header: Record<string, string>; secret: string } | undefined> {
    if (this.backend.tokens) {
      const token = await this.backend.tokens.token(signal);
      return { header: { authorization: `Bearer ${token}` }, secret: token };
    }
    const key = this.leaseKey();
    return key === undefined ? undefined : { header: { 'x-goog-api-key': key }, secret: key };
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(method: 'GET' | 'POST' | 'DELETE', path: string, active: ActiveCall, body?: unknown, options: UpstreamRequestOptions = {}) {
    const modelCall = parseModelCall(path);
    const payload =
      options.raw ?? (body === undefined ? undefined : JSON.stringify(modelCall ? this.backend.adaptBody(modelCall.method, body, active.labels) : body));
    const scope = /^models\/([^:?]+)/.exec(path)?.[1] ?? '';
    const fullPath =
      options.originPath ?? (options.root ? `${this.rootPath}/${options.root}/${this.options.apiVersion}/${path}` : this.backend.path(path));
    for (let attempt = 1; ; attempt++) {
      const credential = await this.credentialFor(active, scope);
      active.usedKeys.add(credential.secret);
      const key = credential.secret;
      let failure: Error;
      let decision: RetryDecision;
      const traced = this.options.traceAttempt?.(method, fullPath);
      try {
        const response = await this.dispatcher.request({
          origin: this.origin,
          path: fullPath,
          method,
          headers: {
            ...traced?.headers,
            ...(payload === undefined || options.raw ? {} : { 'content-type': 'application/json' }),
            ...options.headers,
            ...credential.header,
          },
          body: payload,
          signal: active.signal,
        });
        this.options.onAttempt?.(attemptOutcome(response.statusCode));
        if (response.statusCode === 200) {
          const revived = this.keyPool?.markValid(key);
          if (revived) this.options.onKeyEvent?.({ fingerprint: revived, state: 'active' });
          if (traced) active.attemptDone = () => traced.end({ status: 200 });
          return response;
        }
        failure = await errorFromResponse(response, active, this.options);
        // On Vertex a 401 is about the sidecar's own token, not the caller: a credential failure, not the caller's 401.
        if (response.statusCode === 401 && this.backend.tokens) {
          failure = new UpstreamError(`Vertex AI rejected the sidecar's access token: ${failure.message}`, { status: 502, type: 'api_error', code: 'upstream_credentials_rejected' });
        }
        traced?.end({ status: response.statusCode });
        decision = this.afterErrorStatus(failure, response.statusCode, key, scope, attempt, active);
      } catch (error) {
        failure = transportError(error, active, this.options);
        traced?.end({ error: failure });
        this.options.onAttempt?.(attemptOutcome(undefined, failure));
        if (failure instanceof ClientClosedError || active.deadline.aborted || !isRetryableTransport(failure)) throw failure;
        decision = decideRetry({ attempt, elapsedMs: Date.now() - active.started }, this.options.retry);
      }
      if (!decision.retry) throw failure;
      try {
        if (decision.delayMs > 0) await delay(decision.delayMs, undefined, { signal: active.signal });
      } catch (error) {
        throw transportError(error, active, this.options);
      }
    }
  }

  /** Pool bookkeeping for an error answer (cool a rate-limited key, bench an invalid one), then the retry decision. */
  private afterErrorStatus(failure: Error, status: number, key: string, scope: string, attempt: number, active: ActiveCall): RetryDecision {
    const retryAfter = failure instanceof SidecarError ? Number(failure.headers['Retry-After']) : NaN;
    const precise = failure instanceof UpstreamError ? failure.retryAfterMs : undefined;
    const requestedDelayMs = precise ?? (Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
    const pool = this.keyPool;
    if (pool && status === 429) {
      const ms = requestedDelayMs ?? DEFAULT_COOLDOWN_MS;
      pool.coolDown(key, ms, scope);
      if (pool.size > 1) this.options.onKeyEvent?.({ fingerprint: keyFingerprint(key), state: 'cooling', ms });
    }
    if (pool && failure instanceof SidecarError && failure.code === 'invalid_api_key') {
      const verdict = pool.markInvalid(key, this.options.invalidKeyCooldownMs);
      if (verdict) this.options.onKeyEvent?.({ fingerprint: verdict.fingerprint, state: 'invalid', benched: verdict.benched, ms: verdict.restMs });
      if (pool.hasReadyKeyBesides(key, scope) && attempt < this.options.retry.maxAttempts) return { retry: true, delayMs: 0 };
    }
    return decideRetry(
      { attempt, elapsedMs: Date.now() - active.started, status, requestedDelayMs, otherKeyReady: pool?.hasReadyKeyBesides(key, scope) ?? false },
      this.options.retry,
    );
  }

  /** The header authenticating one attempt: a Vertex bearer token, else an API key; `secret` is redacted from errors. */
  private async credentialFor(active: ActiveCall, scope: string): Promise<{ header: Record<string, string>; secret: string }> {
    const tokens = this.backend.tokens;
    if (!tokens) {
      const key = this.keyFor(active, scope);
      return { header: { 'x-goog-api-key': key }, secret: key };
    }
    let token: string;
    try {
      token = await tokens.token(active.signal);
    } catch (error) {
      if (error instanceof SidecarError) throw error;
      throw transportError(error, active, this.options);
    }
    return { header: { authorization: `Bearer ${token}` }, secret: token };
  }

  private keyFor(active: ActiveCall, scope: string): string {
    const pool = this.keyPool;
    if (!pool) {
      if (!active.callerKey) throw new UpstreamUnreachableError('No Gemini API key for this call.', 'missing_api_key');
      return active.callerKey;
    }
    const leased = pool.next(scope);
    if (leased) return leased.key;
    // next() hands out a benched key rather than none, so only rate limits leave the pool without a key.
    const waitMs = pool.msUntilReady(scope) ?? 0;
    throw new UpstreamError('Every Gemini API key of the sidecar is rate-limited right now.', {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    });
  }
}
