/** Retired model names from Google's own examples, kept working (config/default.yaml repeats these). */
export const DEFAULT_MODEL_ALIASES = {
  // OpenAI speech and transcription model names → current Gemini models (overridable like any alias).
  'tts-1': { model: 'gemini-3.8-flash-lite-tts' },
  'tts-1-hd': { model: 'gemini-3.8-flash-tts' },
  'gpt-4o-mini-tts': { model: 'gemini-3.8-flash-tts' },
  'whisper-1': { model: 'gemini-3.5-flash' },
  'gpt-4o-transcribe': { model: 'gemini-3.5-flash' },
  'gpt-4o-mini-transcribe': { model: 'gemini-3.5-flash-lite' },
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
  // Shut down (https://ai.google.dev/gemini-api/docs/deprecations); the -latest ids follow Google's newest models.
  'gemini-3-pro-preview': {
    model: 'gemini-3.1-pro-preview',
    notice: 'gemini-3-pro-preview was shut down on 2026-03-09; serving gemini-3.1-pro-preview',
  },
  'gemini-2.0-flash': { model: 'gemini-flash-latest', notice: 'gemini-2.0-flash was shut down on 2026-06-01; serving gemini-flash-latest' },
  'gemini-2.0-flash-001': { model: 'gemini-flash-latest', notice: 'gemini-2.0-flash-001 was shut down on 2026-06-01; serving gemini-flash-latest' },
  'gemini-2.0-flash-lite': {
    model: 'gemini-flash-lite-latest',
    notice: 'gemini-2.0-flash-lite was shut down on 2026-06-01; serving gemini-flash-lite-latest',
  },
  'gemini-1.5-pro': { model: 'gemini-pro-latest', notice: 'gemini-1.5-pro was shut down; serving gemini-pro-latest' },
  'gemini-1.5-flash': { model: 'gemini-flash-latest', notice: 'gemini-1.5-flash was shut down; serving gemini-flash-latest' },
};

/** Models that get their own metric label value; every other model is counted as `other`. */
export const DEFAULT_METRIC_MODELS = [
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
