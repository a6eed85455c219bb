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

/** Speech models, the only ones that answer with AUDIO. */
export function isAudioModel(model: string): boolean {
  return /-tts|-audio/.test(model);
}
