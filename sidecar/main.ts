import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { ConfigError, loadConfig } from './config/load-config';
import { createGeminiClient } from './gemini/create-gemini-client';
import { createLogger } from './observability/logger';
import { createTelemetry } from './observability/telemetry';
import { createApp } from './server/create-app';
import { createAdminApp, type Readiness } from './server/health';
import { Lifecycle } from './server/lifecycle';
import { API_HEADERS_TIMEOUT_MS, API_KEEP_ALIVE_TIMEOUT_MS } from './server/server-timeouts';

interface ShutdownParts {
  signal: string;
  config: ReturnType<typeof loadConfig>;
  logger: ReturnType<typeof createLogger>;
  readiness: Readiness;
  lifecycle: Lifecycle;
  apiServers: Server[];
  adminHttp: Server;
  gemini: { close(): Promise<void> };
}

/**
 * SIGTERM/SIGINT: /readyz turns 503 at once; new connections are still accepted for `drainDelayMs` (the ingress and
 * the Service endpoints need that long to notice), then the listener closes and keep-alive clients are told to
 * reconnect; in-flight requests and streams get `shutdownTimeoutMs` to finish; streams still open then end with an
 * error event, and the process exits 0.
 */
async function shutDown(parts: ShutdownParts): Promise<void> {
  const { config, logger, readiness, lifecycle, apiServers, adminHttp, gemini } = parts;
  readiness.ready = false;
  logger.info({ signal: parts.signal, drainDelayMs: config.server.drainDelayMs, inflight: lifecycle.active }, 'shutting down');
  await sleep(config.server.drainDelayMs);
  lifecycle.startDraining();
  for (const server of apiServers) {
    server.close();
    server.closeIdleConnections();
  }
  const drained = await lifecycle.waitForIdle(config.server.shutdownTimeoutMs);
  if (!drained) {
    logger.warn({ inflight: lifecycle.active }, 'drain timeout reached; ending what is still open');
    lifecycle.forceStop.abort();
    await lifecycle.waitForIdle(1000);
    for (const server of apiServers) server.closeAllConnections();
  }
  adminHttp.close();
  adminHttp.closeAllConnections();
  await Promise.allSettled([gemini.close(), loadedTelemetryShutdown()?.()]);
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

/** Process entry: config → deps → servers; SIGTERM/SIGINT stop accepting, let requests finish, exit 0. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`openai-gemini-sidecar: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logging.level);
  const { metrics, tracer } = createTelemetry(config);
  const gemini = createGeminiClient(config, metrics, logger);
  const readiness: Readiness = { ready: false };
  const lifecycle = new Lifecycle(config.server.maxConcurrentRequests);
  const app = createApp({ config, gemini, logger, metrics, tracer, lifecycle });
  const apiHttp = createServer(app);
  const socketHttp = config.server.socketPath ? createServer(app) : undefined;
  const adminHttp = createServer(createAdminApp(readiness, logger, metrics));
  for (const server of socketHttp ? [apiHttp, socketHttp] : [apiHttp]) {
    server.keepAliveTimeout = API_KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = API_HEADERS_TIMEOUT_MS;
  }
  await listen(apiHttp, config.server.port, config.server.host);
  if (socketHttp && config.server.socketPath) await listenOnSocket(socketHttp, config.server.socketPath);
  await listen(adminHttp, config.server.adminPort, config.server.host);
  readiness.ready = true;
  logger.info(
    { port: config.server.port, socketPath: config.server.socketPath, adminPort: config.server.adminPort, upstream: config.gemini.baseUrl, keySource: gemini.hasServerKeys ? `sidecar (${gemini.keyPool?.size ?? 0} keys)` : 'caller' },
    'openai-gemini-sidecar listening',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void shutDown({ signal, config, logger, readiness, lifecycle, apiServers: socketHttp ? [apiHttp, socketHttp] : [apiHttp], adminHttp, gemini });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`openai-gemini-sidecar: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
