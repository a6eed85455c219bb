import { trace, type Tracer } from '@opentelemetry/api';
import type { SidecarConfig } from '../config/config-schema';
import { sidecarVersion } from './build-info';
import { createMetrics, type SidecarMetrics } from './metrics';

/** The metrics registry and tracer every request records into. */
export interface Telemetry {
  metrics: SidecarMetrics;
  tracer: Tracer;
}

/**
 * Builds the telemetry deps from config. The tracer comes from the global provider that instrumentation.ts registered
 * before the app loaded; without it (tests, OTEL_SDK_DISABLED) spans are no-ops.
 */
export function createTelemetry(config: SidecarConfig, options: { defaultMetrics?: boolean } = {}): Telemetry {
  const version = sidecarVersion();
  const aliasTargets = Object.values(config.models.aliases).map((alias) => alias.model);
  const metrics = createMetrics({
    openMetrics: config.metrics.format === 'openmetrics',
    models: [...config.metrics.models, ...aliasTargets],
    version,
    defaultMetrics: options.defaultMetrics ?? config.metrics.defaultMetrics,
    provider: config.vertex.enabled ? 'gcp.vertex_ai' : 'gcp.gemini',
    spend: {
      allow: config.consumers.allow,
      maxConsumers: config.consumers.maxConsumers,
      dailyBudgetUsd: config.consumers.dailyBudgetUsd,
      budgets: config.consumers.budgets,
      prices: config.pricing.prices,
    },
  });
  return { metrics, tracer: trace.getTracer('openai-gemini-sidecar', version) };
}
