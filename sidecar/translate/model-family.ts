/** What the sidecar needs to know about a Gemini model to translate for it. */
export interface ModelTraits {
  /** Major.minor version for `gemini-*` models (3.1, 2.5 ...), undefined for others (gemma, learnlm, tuned). */
  version: number | undefined;
  /** Gemini 3+ take `thinkingLevel`; 2.5 take `thinkingBudget` ("use with earlier models results in an error"). */
  thinking: 'level' | 'budget' | 'none';
  /** Gemini 2.5+ accept full JSON Schema (`parametersJsonSchema` / `responseJsonSchema`); older ones the OpenAPI subset. */
  schemaDialect: 'json-schema' | 'openapi';
  /** Gemini 3+ reject function-call history without thought signatures (400). */
  requiresThoughtSignatures: boolean;
  /** Image-output models (gemini-2.5-flash-image, gemini-3-pro-image ...). */
  imageOutput: boolean;
  /** pro / flash / flash-lite, which decide the thinking ranges. */
  tier: 'pro' | 'flash' | 'flash-lite' | 'other';
}

const VERSION = /^gemini-(\d+(?:\.\d+)?)/;

/**
 * Traits from the model id alone: https://ai.google.dev/gemini-api/docs/models names encode version and tier.
 * Unknown names get the conservative choice (OpenAPI schemas, no thinking knobs).
 */
export function modelTraits(model: string): ModelTraits {
  const match = VERSION.exec(model);
  const version = match?.[1] ? Number(match[1]) : undefined;
  const tier = /flash-lite/.test(model) ? 'flash-lite' : /flash/.test(model) ? 'flash' : /pro/.test(model) ? 'pro' : 'other';
  const imageOutput = /-image(-|$)/.test(model);
  return {
    version,
    tier,
    imageOutput,
    thinking: version === undefined || imageOutput ? 'none' : version >= 3 ? 'level' : version >= 2.5 ? 'budget' : 'none',
    schemaDialect: version !== undefined && version >= 2.5 ? 'json-schema' : 'openapi',
    requiresThoughtSignatures: version !== undefined && version >= 3,
  };
}
