import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const milliseconds = z.number().int().positive();

/** Retired model names from Google's own examples, kept working (config/default.yaml repeats these). */
const DEFAULT_MODEL_ALIASES = {
  'text-embedding-004': {
    model: 'gemini-embedding-001',
    dimensions: 768,
    notice: 'text-embedding-004 was retired on 2026-01-14; serving gemini-embedding-001 at 768 dimensions',
  },
  'imagen-3.0-generate-001': {
    model: 'gemini-2.5-flash-image',
    notice: 'Imagen models were shut down on the Gemini API in 2026; serving gemini-2.5-flash-image',
  },
  'imagen-3.0-generate-002': {
    model: 'gemini-2.5-flash-image',
    notice: 'Imagen models were shut down on the Gemini API in 2026; serving gemini-2.5-flash-image',
  },
  'gemini-2.5-flash-image-preview': {
    model: 'gemini-2.5-flash-image',
    notice: 'gemini-2.5-flash-image-preview was retired; serving gemini-2.5-flash-image',
  },
};

/** Models that get their own metric label value; every other model is counted as `other`. */
const DEFAULT_METRIC_MODELS = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.5-flash-image',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-3-pro-image-preview',
  'gemini-3.1-pro-preview',
  'gemini-3.1-flash-lite',
  'gemini-3.1-flash-image',
  'gemini-3.5-flash',
  'gemini-3.5-flash-lite',
  'gemini-embedding-001',
  'gemini-embedding-2',
  'imagen-4.0-generate-001',
];

/** Every key of the sidecar's configuration, with its default. Env overlays are listed in ENV_OVERRIDES. */
export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8080),
        /** Also serve the API on this Unix socket (Envoy Gateway reaches a sidecar only through a shared emptyDir). */
        socketPath: z.string().min(1).optional(),
        adminPort: port.default(9090),
        bodyLimitBytes: z.number().int().positive().default(33_554_432),
        maxUrlBytes: z.number().int().positive().default(8192),
        maxConcurrentRequests: z.number().int().positive().default(1024),
        drainDelayMs: z.number().int().min(0).default(5000),
        shutdownTimeoutMs: milliseconds.default(30_000),
        /** How often the config file is checked for changes (a re-mounted ConfigMap); 0 turns reloading off. */
        configReloadIntervalMs: z.number().int().min(0).default(2000),
      })
      .strict()
      .prefault({}),
    gemini: z
      .object({
        apiKey: z.string().min(1).optional(),
        apiKeys: z.array(z.string().min(1)).default([]),
        apiKeysFile: z.string().min(1).optional(),
        baseUrl: z.url({ protocol: /^https?$/ }).default('https://generativelanguage.googleapis.com'),
        apiVersion: z.string().regex(/^v1(beta|alpha)?$/).default('v1beta'),
        connectTimeoutMs: milliseconds.default(10_000),
        firstByteTimeoutMs: milliseconds.default(600_000),
        idleTimeoutMs: milliseconds.default(300_000),
        totalTimeoutMs: milliseconds.default(900_000),
        maxEventBytes: z.number().int().positive().default(67_108_864),
        retry: z
          .object({
            maxAttempts: z.number().int().min(1).max(10).default(3),
            baseDelayMs: z.number().int().min(0).default(500),
            maxDelayMs: z.number().int().min(0).default(8000),
            maxRetryWaitMs: z.number().int().min(0).default(10_000),
            deadlineMs: milliseconds.default(60_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        clientKeys: z.array(z.string().min(16)).default([]),
      })
      .strict()
      .prefault({}),
    models: z
      .object({
        aliases: z
          .record(
            z.string().min(1),
            z
              .object({
                model: z.string().min(1),
                dimensions: z.number().int().positive().optional(),
                parameters: z.record(z.string(), z.unknown()).optional(),
                notice: z.string().optional(),
              })
              .strict(),
          )
          .default(DEFAULT_MODEL_ALIASES),
        listCacheTtlMs: z.number().int().min(0).default(300_000),
      })
      .strict()
      .prefault({}),
    media: z
      .object({
        remoteUrls: z.enum(['fetch', 'pass-through']).default('fetch'),
        allowPrivateNetworks: z.boolean().default(false),
        maxBytes: z.number().int().positive().default(20_971_520),
        timeoutMs: milliseconds.default(15_000),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        format: z.enum(['prometheus', 'openmetrics']).default('prometheus'),
        models: z.array(z.string().min(1)).default(DEFAULT_METRIC_MODELS),
        defaultMetrics: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    tracing: z
      .object({
        captureContent: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The validated, frozen configuration injected everywhere. */
export type SidecarConfig = z.infer<typeof configSchema>;

/** One environment variable and the config key it overrides. */
export interface EnvOverride {
  env: string;
  path: readonly [string, string];
  kind: 'string' | 'integer' | 'list';
}

/** The environment variables the sidecar reads (CONFIG_FILE picks the YAML file itself). */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: 'PORT', path: ['server', 'port'], kind: 'integer' },
  { env: 'ADMIN_PORT', path: ['server', 'adminPort'], kind: 'integer' },
  { env: 'SOCKET_PATH', path: ['server', 'socketPath'], kind: 'string' },
  { env: 'GEMINI_API_KEY', path: ['gemini', 'apiKey'], kind: 'string' },
  { env: 'GEMINI_API_KEYS', path: ['gemini', 'apiKeys'], kind: 'list' },
  { env: 'GEMINI_API_KEYS_FILE', path: ['gemini', 'apiKeysFile'], kind: 'string' },
  { env: 'SIDECAR_API_KEYS', path: ['auth', 'clientKeys'], kind: 'list' },
  { env: 'GEMINI_BASE_URL', path: ['gemini', 'baseUrl'], kind: 'string' },
  { env: 'LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
];
