import { readFileSync } from 'node:fs';
import type { GoogleAuth } from 'google-auth-library';
import type { SidecarConfig } from '../../config/config-schema';
import { vertexAuthMode, type VertexConfig } from '../../config/vertex-config';
import type { Logger } from '../../observability/logger';
import { loadOnFirstUse } from '../../util/load-on-first-use';
import { AccessTokens, CLOUD_PLATFORM_SCOPE, credentialFailureReason, type TokenEvent } from './access-tokens';
import { developerApiBackend } from './developer-api';
import type { GeminiBackend } from './gemini-backend';
import { VertexBackend } from './vertex';

function logTokenEvent(logger: Logger, event: TokenEvent): void {
  if (event.kind === 'refreshed') {
    logger[event.first ? 'info' : 'debug']({ expiresInSeconds: Math.round(event.expiresInMs / 1000) }, 'Vertex AI access token obtained');
    return;
  }
  logger.error(
    { reason: event.reason, retryInMs: event.retryInMs },
    event.first
      ? `Vertex AI credentials failed: ${event.reason}; not ready until a token is obtained (check GOOGLE_APPLICATION_CREDENTIALS, or the pod's Workload Identity binding)`
      : `Vertex AI token refresh failed: ${event.reason}; the current token serves until it expires`,
  );
}

/** Credential types GoogleAuth builds a client for from a JSON file (service account, WIF, user, impersonation). */
const CREDENTIAL_TYPES = new Set(['service_account', 'external_account', 'external_account_authorized_user', 'authorized_user', 'impersonated_service_account']);

/**
 * The credentials file, read and checked here: google-auth-library deprecates `keyFilename` and asks callers to
 * validate externally sourced credentials. Messages name the file and never
 * quote its content (V8's JSON errors would).
 */
function readCredentialsFile(file: string): Record<string, unknown> & { type: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`vertex.credentialsFile (GOOGLE_APPLICATION_CREDENTIALS) ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`vertex.credentialsFile (GOOGLE_APPLICATION_CREDENTIALS) ${file} is not JSON`);
  }
  const type = (parsed as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !CREDENTIAL_TYPES.has(type)) {
    throw new Error(`vertex.credentialsFile (GOOGLE_APPLICATION_CREDENTIALS) ${file} is not a Google credentials file (type must be one of ${[...CREDENTIAL_TYPES].join(', ')})`);
  }
  return parsed as Record<string, unknown> & { type: string };
}

/** The page every one of google-auth-library's notices about externally sourced credential files links to. */
const EXTERNAL_CREDENTIALS_NOTICE = 'cloud.google.com/docs/authentication/external/externally-sourced-credentials';
let noticesSilenced = false;

/**
 * google-auth-library 11 prints (console.warn, outside our JSON log) a caution against credential files from
 * untrusted sources whenever a client is built from JSON it did not find itself: once for the `credentials` option,
 * again at the first token for an external account. The file here is the operator's own (the same trust as
 * GOOGLE_APPLICATION_CREDENTIALS, which the library reads silently), read and checked above, so those notices, and
 * only those, are dropped.
 */
function silenceExternalCredentialNotices(): void {
  if (noticesSilenced) return;
  noticesSilenced = true;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(EXTERNAL_CREDENTIALS_NOTICE)) return;
    warn.apply(console, args);
  };
}

/** The GoogleAuth (Application Default Credentials) of a Vertex config: its key or external-account file, else ADC's search. */
export function createGoogleAuth(vertex: VertexConfig): GoogleAuth {
  if (vertex.credentialsFile) silenceExternalCredentialNotices();
  // google-auth-library with gaxios, gcp-metadata and jws: only a sidecar on Vertex with OAuth loads them.
  const { GoogleAuth } = loadOnFirstUse<typeof import('google-auth-library')>('google-auth-library');
  return new GoogleAuth({
    scopes: [CLOUD_PLATFORM_SCOPE],
    ...(vertex.credentialsFile ? { credentials: readCredentialsFile(vertex.credentialsFile) } : {}),
    projectId: vertex.project,
    // Node's own fetch for the clients' token calls, instead of gaxios' lazily imported node-fetch.
    clientOptions: { transporterOptions: { fetchImplementation: fetch } },
  });
}

/**
 * The backend a config selects: the Developer API, or Vertex AI with Application Default Credentials (GoogleAuth over
 * the key file, the external-account file or the metadata server) or an express-mode API key. `auth` replaces the
 * GoogleAuth built from config (tests that intercept its transport).
 */
export function createGeminiBackend(config: SidecarConfig, logger: Logger, auth?: GoogleAuth): GeminiBackend {
  const vertex = config.vertex;
  if (!vertex.enabled) return developerApiBackend(config.gemini);
  const options = { apiVersion: vertex.apiVersion, location: vertex.location, baseUrl: vertex.baseUrl };
  if (vertexAuthMode(vertex) === 'express') return new VertexBackend(options, undefined);
  const googleAuth = auth ?? createGoogleAuth(vertex);
  const tokens = new AccessTokens(googleAuth, {
    refreshMarginMs: vertex.tokenRefreshMarginMs,
    timeoutMs: vertex.credentialsTimeoutMs,
    onEvent: (event) => logTokenEvent(logger, event),
  });
  return new VertexBackend({ ...options, tokens }, vertex.project);
}

/** The keys a config gives the upstream client's pool besides GEMINI_API_KEY(S): the express-mode Vertex key. */
export function backendKeys(config: SidecarConfig): string[] {
  return config.vertex.enabled && vertexAuthMode(config.vertex) === 'express' && config.vertex.apiKey ? [config.vertex.apiKey] : [];
}

const PROJECT_RETRY_MS = 2000;

/**
 * Starts fetching Vertex credentials (and the project, when the config named none) in the background and returns the
 * readiness check they gate: false until a token and the project are known. Undefined for backends without OAuth.
 */
export function startBackendCredentials(backend: GeminiBackend, logger: Logger): (() => boolean) | undefined {
  if (!(backend instanceof VertexBackend) || !backend.tokens) return undefined;
  const tokens = backend.tokens;
  const resolveProject = (): void => {
    backend.resolveProject().then(
      (project) => logger.info({ project }, 'Vertex AI project resolved'),
      (error: unknown) => {
        logger.error({ reason: credentialFailureReason(error) }, `Vertex AI project unknown: ${credentialFailureReason(error)}; set GOOGLE_CLOUD_PROJECT (vertex.project)`);
        setTimeout(resolveProject, PROJECT_RETRY_MS).unref();
      },
    );
  };
  // A failed first fetch is logged by the token source, which keeps retrying.
  void tokens.start().catch(() => undefined);
  if (backend.project === undefined) {
    const waitForToken = setInterval(() => {
      if (!tokens.ready) return;
      clearInterval(waitForToken);
      resolveProject();
    }, 200);
    waitForToken.unref();
  }
  return () => tokens.ready && backend.project !== undefined;
}
