/** One environment variable and the config key it overrides. */
export interface EnvOverride {
  env: string;
  path: readonly [string, string];
  /** `flag`: true/1 or false/0, as Google's SDKs read GOOGLE_GENAI_USE_VERTEXAI. */
  kind: 'string' | 'integer' | 'list' | 'boolean' | 'flag';
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
  { env: 'SIDECAR_TRUST_INGRESS', path: ['auth', 'trustIngress'], kind: 'boolean' },
  { env: 'SIDECAR_CONSUMER_HEADERS', path: ['consumers', 'headers'], kind: 'list' },
  { env: 'SIDECAR_INGRESS_SECRET', path: ['consumers', 'ingressSecret'], kind: 'string' },
  { env: 'SIDECAR_CONSUMERS', path: ['consumers', 'allow'], kind: 'list' },
  { env: 'SIDECAR_MAX_CONSUMERS', path: ['consumers', 'maxConsumers'], kind: 'integer' },
  { env: 'SIDECAR_DAILY_BUDGET_USD', path: ['consumers', 'dailyBudgetUsd'], kind: 'integer' },
  { env: 'GEMINI_BASE_URL', path: ['gemini', 'baseUrl'], kind: 'string' },
  { env: 'LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
  { env: 'REDIS_URL', path: ['store', 'redisUrl'], kind: 'string' },
  { env: 'REDIS_PASSWORD', path: ['store', 'redisPassword'], kind: 'string' },
  { env: 'STORE_ENCRYPTION_KEY', path: ['store', 'encryptionKey'], kind: 'string' },
  { env: 'BATCH_MAX_FILE_BYTES', path: ['batch', 'maxFileBytes'], kind: 'integer' },
  { env: 'BATCH_SPOOL_DIR', path: ['batch', 'spoolDir'], kind: 'string' },
  { env: 'GOOGLE_GENAI_USE_VERTEXAI', path: ['vertex', 'enabled'], kind: 'flag' },
  { env: 'GOOGLE_CLOUD_PROJECT', path: ['vertex', 'project'], kind: 'string' },
  { env: 'GOOGLE_CLOUD_LOCATION', path: ['vertex', 'location'], kind: 'string' },
  { env: 'GOOGLE_VERTEX_BASE_URL', path: ['vertex', 'baseUrl'], kind: 'string' },
  { env: 'GOOGLE_API_KEY', path: ['vertex', 'apiKey'], kind: 'string' },
  { env: 'GOOGLE_APPLICATION_CREDENTIALS', path: ['vertex', 'credentialsFile'], kind: 'string' },
];
