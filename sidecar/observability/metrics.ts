import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type RegistryContentType } from 'prom-client';
import { DEFAULT_SPEND_OPTIONS, SpendMeter, type SpendOptions } from '../spend/spend-meter';
import { GEN_AI_DURATION_BUCKETS, GEN_AI_PROVIDER, GEN_AI_TOKEN_BUCKETS, OTHER_MODEL } from './metric-buckets';

type OperationLabels = 'gen_ai_operation_name' | 'gen_ai_provider_name' | 'gen_ai_request_model';

/** Every instrument the sidecar exports, created once at start-up on one registry and injected. */
export interface SidecarMetrics {
  registry: Registry<RegistryContentType>;
  openMetrics: boolean;
  httpServerDuration: Histogram<'http_request_method' | 'http_route' | 'http_response_status_code'>;
  operationDuration: Histogram<OperationLabels | 'error_type'>;
  tokenUsage: Histogram<OperationLabels | 'gen_ai_response_model' | 'gen_ai_token_type'>;
  timeToFirstChunk: Histogram<OperationLabels>;
  timePerOutputChunk: Histogram<OperationLabels>;
  upstreamAttempts: Counter<'outcome'>;
  finishReasons: Counter<'finish_reason'>;
  inflight: Gauge<'stream'>;
  clientDisconnects: Counter<'stream'>;
  ignoredParams: Counter<'param'>;
  dummySignatures: Counter;
  configReloads: Counter<'result'>;
  apiKeysFileReloads: Counter<'result'>;
  /** `gen_ai.provider.name` of the backend: gcp.gemini (Developer API) or gcp.vertex_ai. */
  provider: string;
  /** Per-consumer tokens, estimated cost and budgets. */
  spend: SpendMeter;
  /** The allow-listed label value for a model name. */
  modelLabel(model: string | undefined): string;
  /** Exposes the state of each pool key (by fingerprint; the pool size bounds the series). */
  observeKeyPool(pool: { states(): Array<{ fingerprint: string; state: string }> }): void;
}

/** Options fixed at start-up (prom-client renames counters when the format changes, so it is chosen once). */
export interface MetricsOptions {
  openMetrics: boolean;
  models: readonly string[];
  version: string;
  defaultMetrics?: boolean;
  /** `gen_ai.provider.name`; default gcp.gemini. */
  provider?: string;
  /** Consumer label bounds, budgets and operator price rows (config `consumers`, `pricing`). */
  spend?: SpendOptions;
}

/** Creates the registry and instruments: GenAI semconv v1.41.1 names in Prometheus form, semconv buckets. */
export function createMetrics(options: MetricsOptions): SidecarMetrics {
  const registry = new Registry<RegistryContentType>();
  if (options.openMetrics) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registers = [registry];
  const exemplars = options.openMetrics;
  const operationLabels = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'] as const;
  const allowed = new Set(options.models);
  const modelLabel = (model: string | undefined) => (model && allowed.has(model) ? model : OTHER_MODEL);
  const metrics: SidecarMetrics = {
    registry,
    openMetrics: options.openMetrics,
    httpServerDuration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests served by the sidecar API, until the response ended.',
      labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
      buckets: [...GEN_AI_DURATION_BUCKETS],
      enableExemplars: exemplars,
      registers,
    }),
    operationDuration: new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'GenAI operation duration: one logical call to Gemini, retries included.',
      labelNames: [...operationLabels, 'error_type'],
      buckets: [...GEN_AI_DURATION_BUCKETS],
      enableExemplars: exemplars,
      registers,
    }),
    tokenUsage: new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Billable tokens per GenAI operation, by input and output.',
      labelNames: [...operationLabels, 'gen_ai_response_model', 'gen_ai_token_type'],
      buckets: [...GEN_AI_TOKEN_BUCKETS],
      registers,
    }),
    timeToFirstChunk: new Histogram({
      name: 'gen_ai_client_operation_time_to_first_chunk_seconds',
      help: 'Time from sending a streaming request to Gemini until its first chunk arrived.',
      labelNames: [...operationLabels],
      buckets: [...GEN_AI_DURATION_BUCKETS],
      enableExemplars: exemplars,
      registers,
    }),
    timePerOutputChunk: new Histogram({
      name: 'gen_ai_client_operation_time_per_output_chunk_seconds',
      help: 'Time between consecutive streamed chunks from Gemini, after the first.',
      labelNames: [...operationLabels],
      buckets: [...GEN_AI_DURATION_BUCKETS],
      registers,
    }),
    upstreamAttempts: new Counter({
      name: 'gemini_sidecar_upstream_attempts_total',
      help: 'HTTP attempts to Gemini by outcome (ok, 4xx, 429, 5xx, timeout, network, cancelled).',
      labelNames: ['outcome'],
      registers,
    }),
    finishReasons: new Counter({
      name: 'gemini_sidecar_finish_reasons_total',
      help: 'Choices finished, by OpenAI finish_reason.',
      labelNames: ['finish_reason'],
      registers,
    }),
    inflight: new Gauge({
      name: 'gemini_sidecar_inflight_requests',
      help: 'Requests being served right now, streaming or not.',
      labelNames: ['stream'],
      registers,
    }),
    clientDisconnects: new Counter({
      name: 'gemini_sidecar_client_disconnects_total',
      help: 'Requests whose client went away before the answer was complete (upstream aborted).',
      labelNames: ['stream'],
      registers,
    }),
    ignoredParams: new Counter({
      name: 'gemini_sidecar_ignored_params_total',
      help: 'Request parameters accepted but not sent to Gemini (no equivalent), by parameter.',
      labelNames: ['param'],
      registers,
    }),
    dummySignatures: new Counter({
      name: 'gemini_sidecar_dummy_thought_signatures_total',
      help: "Gemini 3 tool-call history sent with Google's dummy thought signature because the client dropped the real one.",
      registers,
    }),
    configReloads: new Counter({
      name: 'gemini_sidecar_config_reloads_total',
      help: 'Changes of the config file seen at run time: success (loaded, live keys applied) or failure (invalid, ignored).',
      labelNames: ['result'],
      registers,
    }),
    apiKeysFileReloads: new Counter({
      name: 'gemini_sidecar_api_keys_file_reloads_total',
      help: 'Changes of GEMINI_API_KEYS_FILE seen at run time: success (the pool follows the file) or failure (unreadable or empty, ignored).',
      labelNames: ['result'],
      registers,
    }),
    provider: options.provider ?? GEN_AI_PROVIDER,
    spend: new SpendMeter(registers, options.spend ?? DEFAULT_SPEND_OPTIONS, modelLabel),
    modelLabel,
    observeKeyPool: (pool) => {
      new Gauge({
        name: 'gemini_sidecar_api_key_state',
        help: "1 for each pool key's current state (active, cooling, invalid: Gemini's last verdict, benched or not), by the key's SHA-256 fingerprint.",
        labelNames: ['key_fingerprint', 'state'],
        registers,
        collect() {
          this.reset();
          for (const { fingerprint, state } of pool.states()) this.set({ key_fingerprint: fingerprint, state }, 1);
        },
      });
    },
  };
  for (const stream of ['true', 'false']) {
    metrics.inflight.set({ stream }, 0);
    metrics.clientDisconnects.inc({ stream }, 0);
  }
  for (const result of ['success', 'failure']) {
    metrics.configReloads.inc({ result }, 0);
    metrics.apiKeysFileReloads.inc({ result }, 0);
  }
  const buildInfo = new Gauge({
    name: 'gemini_sidecar_build_info',
    help: 'Always 1; labels carry the sidecar and Node.js versions and the price table the cost metrics use.',
    labelNames: ['version', 'node_version', 'price_table_version'],
    registers,
  });
  buildInfo.set({ version: options.version, node_version: process.version, price_table_version: metrics.spend.version }, 1);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return metrics;
}
