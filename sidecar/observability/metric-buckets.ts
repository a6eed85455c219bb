/** GenAI semconv v1.41.1 advisory boundaries for durations (seconds): 0.01 doubling to 81.92. */
export const GEN_AI_DURATION_BUCKETS: readonly number[] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** GenAI semconv v1.41.1 advisory boundaries for token counts: powers of four from 1 to 4^13. */
export const GEN_AI_TOKEN_BUCKETS: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** `gen_ai.provider.name` for the Gemini API (generativelanguage.googleapis.com). */
export const GEN_AI_PROVIDER = 'gcp.gemini';

/** Label value for any model outside the allow-list: model names come from callers, so they are unbounded. */
export const OTHER_MODEL = 'other';
