import type { AuthClient, GoogleAuth } from 'google-auth-library';
import { SidecarError } from '../../errors/sidecar-error';

/** The scope Google's Gen AI SDKs ask for (js-genai rejects scope lists without it). */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A cached token is not handed out in its last seconds: a call may take that long to reach Google. */
const MIN_REMAINING_MS = 30_000;
/** Lifetime assumed when the credential says none (Google's tokens live an hour). */
const DEFAULT_LIFETIME_MS = 3_600_000;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** 503 for a call that needs a Vertex access token while none can be had; names the credential failure, never a token. */
export class CredentialsUnavailableError extends SidecarError {
  constructor(reason: string) {
    super(`The sidecar has no Vertex AI access token: ${reason}`, {
      status: 503,
      type: 'api_error',
      code: 'upstream_credentials_unavailable',
      headers: { 'Retry-After': '5' },
    });
  }
}

/** What happened to the token: a new one (its lifetime), or a failed fetch (the next try is in `retryInMs`). */
export type TokenEvent = { kind: 'refreshed'; expiresInMs: number; first: boolean } | { kind: 'failed'; reason: string; retryInMs: number; first: boolean };

/** Options of an AccessTokens source. */
export interface AccessTokensOptions {
  refreshMarginMs: number;
  /** Longest a call waits for a token when none is cached. */
  timeoutMs: number;
  onEvent?: (event: TokenEvent) => void;
  now?: () => number;
}

/** The first line of a credential error, bounded: google-auth-library's messages name the file or endpoint that failed. */
export function credentialFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 300);
}

/**
 * OAuth access tokens for Vertex AI from google-auth-library (ADC: metadata server, service-account key, external
 * account). One token is cached and replaced `refreshMarginMs` before it expires by a timer, off the request path;
 * failed fetches are retried with backoff while the cached token still serves. A call finding no usable token gets
 * CredentialsUnavailableError at once when the last fetch failed, else waits for one, at most `timeoutMs`.
 */
export class AccessTokens {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  private lastFailure = 'no token fetched yet';
  private readonly now: () => number;

  constructor(
    private readonly auth: GoogleAuth,
    private readonly options: AccessTokensOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Fetches the first token; on failure rejects, and keeps retrying in the background until one arrives. */
  async start(): Promise<void> {
    await this.refresh();
  }

  /** Whether a usable token is cached. */
  get ready(): boolean {
    return this.current !== undefined && this.current.expiresAt - this.now() > MIN_REMAINING_MS;
  }

  /** A valid access token: the cached one, or one fetched now (bounded by timeoutMs and `signal`). */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.current && this.ready) return this.current.token;
    // The last fetch failed and the timer is retrying: answer now rather than hold the call for another try.
    if (this.failures > 0) throw new CredentialsUnavailableError(this.lastFailure);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new CredentialsUnavailableError(`${this.lastFailure} (no token within ${this.options.timeoutMs} ms)`)), this.options.timeoutMs);
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    try {
      return await Promise.race([this.refresh(), timeout]);
    } catch (error) {
      if (error instanceof SidecarError || signal?.aborted) throw error;
      throw new CredentialsUnavailableError(credentialFailureReason(error));
    } finally {
      clearTimeout(timer);
    }
  }

  /** The project of the credentials (GOOGLE_CLOUD_PROJECT, the key file, the metadata server). */
  projectId(): Promise<string> {
    return this.auth.getProjectId();
  }

  /** Stops the refresh timer. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private refresh(): Promise<string> {
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const first = this.current === undefined;
    try {
      const client: AuthClient = await this.auth.getClient();
      // The library refreshes only inside this window, so the timer below, firing at its start, gets a new token.
      client.eagerRefreshThresholdMillis = this.options.refreshMarginMs;
      const { token } = await client.getAccessToken();
      if (!token) throw new Error('the credentials returned no access token');
      const expiresAt = client.credentials.expiry_date ?? this.now() + DEFAULT_LIFETIME_MS;
      this.current = { token, expiresAt };
      this.failures = 0;
      this.options.onEvent?.({ kind: 'refreshed', expiresInMs: expiresAt - this.now(), first });
      this.schedule(expiresAt - this.options.refreshMarginMs - this.now());
      return token;
    } catch (error) {
      this.lastFailure = credentialFailureReason(error);
      const retryInMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.failures++);
      this.options.onEvent?.({ kind: 'failed', reason: this.lastFailure, retryInMs, first });
      this.schedule(retryInMs);
      throw error;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().catch(() => undefined), Math.max(1000, delayMs));
    this.timer.unref();
  }
}
