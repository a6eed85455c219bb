import { createServer, type Server } from 'node:http';
import { ConfigError, loadConfig } from './config/load-config';
import { createGeminiClient } from './gemini/create-gemini-client';
import { createLogger } from './observability/logger';
import { createTelemetry } from './observability/telemetry';
import { createApp } from './server/create-app';
import { createAdminApp, type Readiness } from './server/health';

/** shutdownTelemetry of instrumentation.ts when `--require` loaded it (npm start), so spans are flushed at exit. */
function loadedTelemetryShutdown(): (() => Promise<void>) | undefined {
  const loaded = require.cache[require.resolve('./observability/instrumentation')];
  return (loaded?.exports as { shutdownTelemetry?: () => Promise<void> } | undefined)?.shutdownTelemetry;
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
  const apiHttp = createServer(createApp({ config, gemini, logger, metrics, tracer }));
  const adminHttp = createServer(createAdminApp(readiness, logger, metrics));
  // Outlive the ingress's idle upstream connections (nginx 60 s, Envoy 1 h idle is per cluster) so a reused
  // keep-alive connection is never closed by us at the moment the proxy sends on it (a classic 502 race).
  apiHttp.keepAliveTimeout = 65_000;
  apiHttp.headersTimeout = 66_000;
  await listen(apiHttp, config.server.port, config.server.host);
  await listen(adminHttp, config.server.adminPort, config.server.host);
  readiness.ready = true;
  logger.info(
    { port: config.server.port, adminPort: config.server.adminPort, upstream: config.gemini.baseUrl, keySource: gemini.hasServerKeys ? `sidecar (${gemini.keyPool?.size ?? 0} keys)` : 'caller' },
    'openai-gemini-sidecar listening',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    readiness.ready = false;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      logger.warn('drain timeout reached; closing remaining connections');
      apiHttp.closeAllConnections();
    }, config.server.shutdownTimeoutMs);
    force.unref();
    apiHttp.close(() => {
      adminHttp.close();
      adminHttp.closeAllConnections();
      void Promise.allSettled([gemini.close(), loadedTelemetryShutdown()?.()]).finally(() => {
        logger.info('stopped');
        logger.flush();
        setTimeout(() => process.exit(0), 50).unref();
      });
    });
    apiHttp.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`openai-gemini-sidecar: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
