import { z } from 'zod';
import { DEFAULT_METRIC_MODELS, DEFAULT_MODEL_ALIASES } from './config-defaults';
import { vertexConfigSchema } from './vertex-config';

const port = z.number().int().min(0).max(65535);
const milliseconds = z.number().int().positive();

const thinkingLevel = z.enum(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH']);
const parameterSupport = z.enum(['honoured', 'ignored', 'rejected']);
const modality = z.enum(['text', 'image', 'audio', 'video', 'pdf']);

/** An operator's capability row (config `models.capabilities`); unset fields come from `like` or the nearest family. */
const capabilityOverrideSchema = z
  .object({
    match: z.array(z.string().min(1)).min(1),
    like: z.string().min(1).optional(),
    source: z.string().optional(),
    status: z.enum(['live', 'preview', 'deprecated', 'shut-down']).optional(),
    thinking: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }).strict(),
        z.object({ kind: z.literal('level'), levels: z.array(thinkingLevel).min(1), canDisable: z.literal(false).default(false) }).strict(),
        z.object({ kind: z.literal('budget'), min: z.number().int().min(0), max: z.number().int().positive(), canDisable: z.boolean() }).strict(),
      ])
      .optional(),
    sampling: parameterSupport.optional(),
    penalties: parameterSupport.optional(),
    multipleCandidates: z.boolean().optional(),
    schemaDialect: z.enum(['json-schema', 'openapi']).optional(),
    thoughtSignatures: z.boolean().optional(),
    partLevelMedia: z.boolean().optional(),
    input: z.array(modality).optional(),
    output: z.array(modality).optional(),
    inputTokenLimit: z.number().int().positive().optional(),
    outputTokenLimit: z.number().int().positive().optional(),
  })
  .strict();

/** One operator row as written in the config. */
export type CapabilityOverride = z.infer<typeof capabilityOverrideSchema>;


const usdPerMillion = z.number().min(0);

/** An operator price row (config `pricing.prices`), same fields as the built-in table (sidecar/spend/price-table.ts). */
const priceRowSchema = z
  .object({
    match: z.array(z.string().min(1)).min(1),
    prefix: z.boolean().optional(),
    input: usdPerMillion,
    audioInput: usdPerMillion.optional(),
    output: usdPerMillion,
    imageOutput: usdPerMillion.optional(),
    cachedInput: usdPerMillion.optional(),
    longContext: z.object({ threshold: z.number().int().positive(), input: usdPerMillion, output: usdPerMillion, cachedInput: usdPerMillion.optional() }).strict().optional(),
    batchFactor: z.number().min(0).max(1).optional(),
    source: z.string().default('config'),
    asOf: z.string().default(''),
  })
  .strict();

/** A header name as Node reports it (lower case). */
const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be an HTTP header name' })
  .transform((name) => name.toLowerCase());

/** base64 of exactly 32 bytes (an AES-256 key, e.g. `openssl rand -base64 32`); the message never shows the value. */
const base64Key = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/]{43}=$/.test(value.trim()), { error: 'must be the base64 of 32 random bytes (openssl rand -base64 32)' });

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
        maxConcurrentRequests: z.number().int().positive().default(2048),
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
        /** A pool key Gemini calls invalid is skipped this long, then tried again (a re-enabled or fixed key comes back). */
        invalidKeyCooldownMs: milliseconds.default(600_000),
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
    /** Gemini on Vertex AI instead of the Developer API (vertex-config.ts). */
    vertex: vertexConfigSchema,
    auth: z
      .object({
        clientKeys: z.array(z.string().min(16)).default([]),
        /** The ingress in front authenticates callers: the sidecar may hold Gemini keys without client keys. */
        trustIngress: z.boolean().default(false),
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
        /** n > 1 on a model without candidateCount: n parallel calls, or a 400 naming `n` when false. */
        fanOutCandidates: z.boolean().default(true),
        /** Ask Gemini's models.get (in the background) about ids the capability table does not know, or about all, or never. */
        geminiFacts: z.enum(['unknown', 'all', 'off']).default('unknown'),
        /** Rows put before the built-in capability table: each starts from `like` (or the nearest family) and overrides fields. */
        capabilities: z.array(capabilityOverrideSchema).default([]),
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
    /** Multipart uploads (audio transcriptions/translations, image edits): whole-body limits, enforced as bytes arrive. */
    uploads: z
      .object({
        /** OpenAI's 25 MB audio limit (its own error names 26214400); at most 75 MiB, whose base64 fits Gemini's 100 MB inline limit. */
        audioMaxBytes: z.number().int().positive().max(78_643_200).default(26_214_400),
        /** Every image and the mask of one edit request together: 32 MiB like server.bodyLimitBytes and the ingress snippets. */
        imageMaxBytes: z.number().int().positive().default(33_554_432),
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
    /** Where `store: true` Responses live for previous_response_id and GET: a Redis every replica reaches. */
    store: z
      .object({
        /** Unset: no store (`store` is answered as not stored, previous_response_id is a 400). */
        redisUrl: z.url({ protocol: /^rediss?$/, hostname: /^.+$/, error: 'must be a redis:// or rediss:// URL with a host' }).optional(),
        redisPassword: z.string().min(1).optional(),
        /** Seals every stored value (AES-256-GCM); required with redisUrl. */
        encryptionKey: base64Key.optional(),
        /** 30 days, OpenAI's own retention for stored responses. */
        ttlSeconds: z.number().int().positive().default(2_592_000),
        /** Largest entry (the turn's whole input plus the response, as JSON); larger ones are not stored. */
        maxEntryBytes: z.number().int().positive().default(4_194_304),
      })
      .strict()
      .superRefine((store, context) => {
        if (store.redisUrl !== undefined && store.encryptionKey === undefined) {
          context.addIssue({ code: 'custom', path: ['encryptionKey'], message: 'is required when store.redisUrl is set: stored responses are encrypted with it' });
        }
      })
      .prefault({}),
    /** The OpenAI Files and Batch APIs: an upload is translated line by line into a spool file on local disk, then sent to Gemini. */
    batch: z
      .object({
        /** Largest batch input file accepted, in bytes: OpenAI's own limit (200 MB); Gemini takes files up to 2 GB. */
        maxFileBytes: z.number().int().positive().max(2_147_483_648).default(209_715_200),
        /** Directory of the spool files (about maxFileBytes per upload in progress); unset: the OS temp directory. */
        spoolDir: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /** Who each request is billed to (per-consumer tokens, cost and budgets); see README "Spend per consumer". */
    consumers: z
      .object({
        /** Request headers the ingress names the authenticated consumer in (Kong's by default); the first non-empty wins. */
        headers: z.array(headerName).default(['x-consumer-username', 'x-consumer-id']),
        /** When set, consumer headers count only on requests carrying it in ingressSecretHeader (the ingress adds it). */
        ingressSecret: z.string().min(16).optional(),
        ingressSecretHeader: headerName.default('x-sidecar-ingress-secret'),
        /** Consumers that get their own label value; empty: the first maxConsumers seen. Everyone else is `other`. */
        allow: z.array(z.string().min(1)).default([]),
        maxConsumers: z.number().int().min(1).max(10_000).default(100),
        /** Daily budget in US dollars for every consumer (the budget alert); 0: none. */
        dailyBudgetUsd: z.number().min(0).default(0),
        /** Daily budgets of named consumers, overriding dailyBudgetUsd. */
        budgets: z.record(z.string().min(1), z.number().positive()).default({}),
      })
      .strict()
      .prefault({}),
    pricing: z
      .object({
        /** Rows consulted before the built-in price table (negotiated prices, new models). */
        prices: z.array(priceRowSchema).default([]),
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
