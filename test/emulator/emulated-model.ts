const GEMINI_VERSION = /^gemini-(\d+(?:\.\d+)?)/;

/** Major.minor of a `gemini-*` model id (2.5, 3, 3.1), undefined for gemma, learnlm and the like. */
export function geminiVersion(model: string): number | undefined {
  const match = GEMINI_VERSION.exec(model);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Gemini 3 and later: thinking levels, mandatory thought signatures, ids on function calls. */
export function isGemini3OrLater(model: string): boolean {
  return (geminiVersion(model) ?? 0) >= 3;
}

/** Native image-output models (gemini-2.5-flash-image, gemini-3-pro-image-preview ...). */
export function isImageModel(model: string): boolean {
  return model.includes('-image');
}

/** Pro tier models (gemini-3-pro-preview ...), which have no MINIMAL thinking level. */
export function isProModel(model: string): boolean {
  return /-pro(-|$)/.test(model);
}

/**
 * Models whose lowest thinking level is LOW: every Pro, 3.7 / 3.8 Flash and Gemini 4 Argon ("Thinking level MINIMAL is
 * not supported for this model", seen on 3.8 Flash; https://ai.google.dev/gemini-api/docs/generate-content/latest-model).
 */
export function refusesMinimalThinking(model: string): boolean {
  return isProModel(model) || /^gemini-3\.[78]-flash(-|$)/.test(model) || model === 'gemini-flash-latest' || /^gemini-4/.test(model);
}

/** Gemini 4 takes thinking levels only: a budget is an error ("Thinking budget is not supported for this model."). */
export function refusesThinkingBudget(model: string): boolean {
  return (geminiVersion(model) ?? 0) >= 4;
}

/** 2.5 Pro and every Gemini 3+ model cannot switch thinking off ("Budget 0 is invalid. This model only works in thinking mode."). */
export function refusesZeroBudget(model: string): boolean {
  return isGemini3OrLater(model) || /^gemini-2\.5-pro/.test(model) || /-latest$/.test(model);
}

/** Gemini 3+ text models answer one candidate per call ("Multiple candidates is not enabled for this model", js-genai#1609). */
export function refusesCandidateCount(model: string): boolean {
  return isGemini3OrLater(model) || /-latest$/.test(model);
}

/** 3.5 Flash-Lite, 3.6+ Flash and Gemini 4 refuse custom presence / frequency penalties (their model pages). */
export function refusesPenalties(model: string): boolean {
  const version = geminiVersion(model) ?? 0;
  return version >= 3.6 || /^gemini-3\.5-flash-lite/.test(model) || model === 'gemini-flash-latest';
}

/** Speech models, the only ones that answer with AUDIO. */
export function isAudioModel(model: string): boolean {
  return /-tts|-audio/.test(model);
}

/**
 * Embedding models the Gemini API still serves. text-embedding-004 (retired 2026-01-14) and embedding-001 are gone,
 * so Google answers them 404 (feyninc/chonkie#529).
 */
export const EMBEDDING_MODELS: ReadonlySet<string> = new Set(['gemini-embedding-001', 'gemini-embedding-2', 'gemini-embedding-2-preview']);

/** Imagen models served by `:predict`; imagen-3.0-generate-001/002 are shut down and answer 404. */
export const IMAGEN_MODELS: ReadonlySet<string> = new Set(['imagen-4.0-generate-001', 'imagen-4.0-fast-generate-001', 'imagen-4.0-ultra-generate-001']);

/** Any embedding model id, served or retired: none of them answers generateContent. */
export function isEmbeddingModel(model: string): boolean {
  return model.includes('embedding');
}

/** Any Imagen model id, served or retired: Imagen only answers predict. */
export function isImagenModel(model: string): boolean {
  return model.startsWith('imagen-');
}
