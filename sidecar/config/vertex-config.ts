import { z } from 'zod';

/** A Vertex label key: lowercase letter first, then lowercase letters, digits, `_` or `-`, at most 63 (https://cloud.google.com/vertex-ai/docs/general/labels). */
const labelKey = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be a Vertex label key: a lowercase letter, then up to 62 lowercase letters, digits, _ or -' });

/** Where the labels of a generateContent call come from (cost attribution in Cloud Billing). */
const labelsSchema = z
  .object({
    /** Label key for the request's `user`. */
    user: labelKey.optional(),
    /** Label key for the request's `safety_identifier`. */
    safetyIdentifier: labelKey.optional(),
    /** Keys of the request's `metadata` copied as labels of the same (lower-cased) name. */
    metadata: z.array(z.string().min(1)).default([]),
    /** Request header → label key, e.g. the Kong consumer: {x-consumer-username: consumer}. */
    headers: z.record(z.string().min(1), labelKey).default({}),
    /** Labels on every call, e.g. {team: search}. */
    static: z
      .record(labelKey, z.string().regex(/^[a-z0-9_-]{0,63}$/, { error: 'must be a Vertex label value: up to 63 lowercase letters, digits, _ or -' }))
      .refine((labels) => Object.keys(labels).length <= 64, { error: 'Vertex takes at most 64 labels' })
      .default({}),
  })
  .strict()
  .prefault({});

/**
 * The Vertex AI backend (config `vertex`), named after Google's Gen AI SDK variables: GOOGLE_GENAI_USE_VERTEXAI,
 * GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION, GOOGLE_VERTEX_BASE_URL, GOOGLE_API_KEY (express mode) and
 * GOOGLE_APPLICATION_CREDENTIALS.
 */
export const vertexConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Unset: the project of the credentials (metadata server, the key file's project_id). */
    project: z.string().regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, { error: 'must be a Google Cloud project id (6-30 lowercase letters, digits, hyphens)' }).optional(),
    /** `global`, a multi-region (`us`, `eu`) or a region (`us-central1`). Preview models serve from `global` only. */
    location: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'must be global, us, eu or a region such as us-central1' }).default('global'),
    /** A Vertex API key (express mode): no project, no ADC; sent in x-goog-api-key. */
    apiKey: z.string().min(1).optional(),
    /** A service-account key or external-account (Workload Identity Federation) file; unset: ADC (metadata server on GKE). */
    credentialsFile: z.string().min(1).optional(),
    /** Overrides the endpoint the location implies (Private Service Connect, tests). */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiVersion: z.enum(['v1', 'v1beta1']).default('v1'),
    /** An access token is replaced this long before it expires, in the background. */
    tokenRefreshMarginMs: z.number().int().min(0).default(300_000),
    /** Longest a request waits for a token when none is cached (then 503 upstream_credentials_unavailable). */
    credentialsTimeoutMs: z.number().int().positive().default(10_000),
    labels: labelsSchema,
  })
  .strict()
  .prefault({});

/** The validated `vertex` section. */
export type VertexConfig = z.infer<typeof vertexConfigSchema>;

/** How a Vertex config authenticates: OAuth tokens from Application Default Credentials, or an express-mode API key. */
export function vertexAuthMode(vertex: VertexConfig): 'adc' | 'express' {
  // Google's SDKs: explicit credentials or a project beat an API key.
  return vertex.apiKey && !vertex.project && !vertex.credentialsFile ? 'express' : 'adc';
}
