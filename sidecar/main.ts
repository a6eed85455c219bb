import './require-supported-node';
import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { readApiKeysFile, type ApiKeysFile, type ApiKeysFileWatcher } from './config/api-keys-file';
import { authModeOf, requireCallerAuth } from './config/caller-auth';
import type { SidecarConfig } from './config/config-schema';
import { configFileFingerprint, startConfigReloader, type ConfigReloader } from './config/config-reloader';
import { ConfigError, configFilePath, loadConfig } from './config/load-config';
import { createGeminiClient, watchPoolKeysFile } from './gemini/create-gemini-client';
import { describeKeyMode, describeVertexMode } from './gemini/key-mode';
import { vertexAuthMode } from './config/vertex-config';
import { startBackendCredentials } from './gemini/backends/create-backend';
import { createLogger } from './observability/logger';
import { createTelemetry } from './observability/telemetry';
import type { AppDeps } from './server/app-deps';
import { createApp } from './server/create-app';
import { createAdminApp, type Readiness } from './server/health';
import { ConnectionDrain, DRAIN_IDLE_CLOSE_MS } from './server/connection-drain';
import { Lifecycle } from './server/lifecycle';
import { API_HEADERS_TIMEOUT_MS, API_KEEP_ALIVE_TIMEOUT_MS } from './server/server-timeouts';
import { createResponseStore } from './store/create-response-store';

interface ShutdownParts {
  signal: string;
  /** Read at the signal, so reloaded drain settings apply. */
  deps: AppDeps;
  readiness: Readiness;
  apiServers: Server[];
  /** Keep-alive handling of the API servers' connections. */
  connections: ConnectionDrain;
  adminHttp: Server;
  gemini: { close(): Promise<void>; backend: { tokens?: { stop(): void } } };
  reloader: ConfigReloader;
  keysWatcher: ApiKeysFileWatcher | undefined;
}

/**
 * SIGTERM/SIGINT: /readyz turns 503 at once and every answer from then on says `Connection: close`, so clients move
 * to fresh connections (which the updated endpoints send elsewhere) instead of reusing this process's; connections
 * idle for a second are closed. New connections are still accepted for `drainDelayMs` (the ingress and the Service
 * endpoints need that long to notice), then the listener closes; in-flight requests and streams get
 * `shutdownTimeoutMs` to finish; streams still open then end with an error event, and the process exits 0.
 */
async function shutDown(parts: ShutdownParts): Promise<void> {
  const { deps, readiness, connections, adminHttp, gemini } = parts;
  const { config, logger, lifecycle } = deps;
  readiness.ready = false;
  connections.startDraining();
  parts.reloader.stop();
  parts.keysWatcher?.stop();
  logger.info({ signal: parts.signal, drainDelayMs: config.server.drainDelayMs, inflight: lifecycle.active }, 'shutting down');
  await sleep(config.server.drainDelayMs);
  connections.stopAccepting();
  const drained = await lifecycle.waitForIdle(config.server.shutdownTimeoutMs);
  if (!drained) {
    logger.warn({ inflight: lifecycle.active }, 'drain timeout reached; ending what is still open');
    lifecycle.forceStop.abort();
    await lifecycle.waitForIdle(1000);
  }
  // A stream that ended leaves its keep-alive connection idle: the drain closes it once idle, unless it carries one
  // more request first (answered with Connection: close).
  if (drained) await connections.waitForClosed(DRAIN_IDLE_CLOSE_MS + 500);
  connections.closeAll();
  for (const server of parts.apiServers) server.close();
  adminHttp.close();
  adminHttp.closeAllConnections();
  gemini.backend.tokens?.stop();
  await Promise.allSettled([gemini.close(), deps.responseStore?.close(), loadedTelemetryShutdown()?.()]);
  logger.info('stopped');
  logger.flush();
  setTimeout(() => process.exit(0), 50).unref();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** shutdownTelemetry of instrumentation.ts when `--require` loaded it (npm start), so spans are flushed at exit. */
function loadedTelemetryShutdown(): (() => Promise<void>) | undefined {
  const loaded = require.cache[require.resolve('./observability/instrumentation')];
  return (loaded?.exports as { shutdownTelemetry?: () => Promise<void> } | undefined)?.shutdownTelemetry;
}

/** Listens on a Unix socket, replacing a stale socket file left by a previous process; the file is group-writable. */
async function listenOnSocket(server: Server, path: string): Promise<void> {
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o660);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** The validated config, the caller-auth check and the key file's keys; a ConfigError exits 1 with its one line. */
function startupConfig(): { config: SidecarConfig; keysFile: ApiKeysFile | undefined } {
  try {
    const config = loadConfig();
    requireCallerAuth(config);
    return { config, keysFile: config.gemini.apiKeysFile ? readApiKeysFile(config.gemini.apiKeysFile) : undefined };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`openai-gemini-sidecar: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Process entry: config → deps → servers; SIGTERM/SIGINT stop accepting, let requests finish, exit 0. */
async function main(): Promise<void> {
  const configFile = configFilePath();
  const configBaseline = configFileFingerprint(configFile);
  const { config, keysFile } = startupConfig();
  const logger = createLogger(config.logging.level);
  const { metrics, tracer } = createTelemetry(config);
  // deps.config is the running config: routes read it per request, the Gemini client per call; reloads replace it.
  const gemini = createGeminiClient(config, metrics, logger, () => deps.config, keysFile?.keys ?? []);
  const keysWatcher =
    keysFile && watchPoolKeysFile(gemini, config, { baseline: keysFile.fingerprint, intervalMs: config.server.configReloadIntervalMs, metrics, logger });
  const readiness: Readiness = { ready: false, upstreamReady: startBackendCredentials(gemini.backend, logger) };
  const lifecycle = new Lifecycle(config.server.maxConcurrentRequests);
  const responseStore = createResponseStore(config, logger);
  const deps: AppDeps = { config, gemini, logger, metrics, tracer, lifecycle, responseStore };
  const app = createApp(deps);
  const apiHttp = createServer(app);
  const socketHttp = config.server.socketPath ? createServer(app) : undefined;
  const adminHttp = createServer(createAdminApp(readiness, logger, metrics));
  for (const server of socketHttp ? [apiHttp, socketHttp] : [apiHttp]) {
    server.keepAliveTimeout = API_KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = API_HEADERS_TIMEOUT_MS;
  }
  const connections = new ConnectionDrain(socketHttp ? [apiHttp, socketHttp] : [apiHttp]);
  await listen(apiHttp, config.server.port, config.server.host);
  if (socketHttp && config.server.socketPath) await listenOnSocket(socketHttp, config.server.socketPath);
  await listen(adminHttp, config.server.adminPort, config.server.host);
  readiness.ready = true;
  logger.info(
    { port: config.server.port, socketPath: config.server.socketPath, adminPort: config.server.adminPort, upstream: gemini.backend.baseUrl, backend: gemini.backend.name },
    'openai-gemini-sidecar listening',
  );
  const fingerprints = gemini.keyPool?.states().map((key) => key.fingerprint) ?? [];
  const { message: keyModeMessage, ...keyMode } = config.vertex.enabled
    ? describeVertexMode(authModeOf(config), { project: config.vertex.project, location: config.vertex.location, auth: vertexAuthMode(config.vertex), baseUrl: gemini.backend.baseUrl, keyFingerprints: fingerprints })
    : describeKeyMode(fingerprints, authModeOf(config));
  logger.info(keyMode, keyModeMessage);
  const reloader = startConfigReloader({
    file: configFile,
    intervalMs: config.server.configReloadIntervalMs,
    baseline: configBaseline,
    load: () => loadConfig(),
    running: () => deps.config,
    apply: (next) => {
      deps.config = next;
      logger.level = next.logging.level;
    },
    logger,
    onResult: (result) => metrics.configReloads.inc({ result }),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void shutDown({ signal, deps, readiness, apiServers: socketHttp ? [apiHttp, socketHttp] : [apiHttp], connections, adminHttp, gemini, reloader, keysWatcher });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`openai-gemini-sidecar: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
