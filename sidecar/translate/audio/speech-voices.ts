import { InvalidRequestError } from '../../errors/sidecar-error';

/** Gemini's 30 prebuilt TTS voices (https://ai.google.dev/gemini-api/docs/speech-generation#voices). */
export const GEMINI_VOICES = [
  'Zephyr', 'Puck', 'Charon', 'Kore', 'Fenrir', 'Leda', 'Orus', 'Aoede', 'Callirrhoe', 'Autonoe', 'Enceladus', 'Iapetus', 'Umbriel', 'Algieba', 'Despina',
  'Erinome', 'Algenib', 'Rasalgethi', 'Laomedeia', 'Achernar', 'Alnilam', 'Schedar', 'Gacrux', 'Pulcherrima', 'Achird', 'Zubenelgenubi', 'Vindemiatrix',
  'Sadachbia', 'Sadaltager', 'Sulafat',
] as const;

/**
 * OpenAI voice → the Gemini voice nearest in character (Google's one-word descriptions). There is no canonical map;
 * this table is the sidecar's, documented in the README, and a Gemini voice name is always accepted as it is.
 */
export const OPENAI_VOICE_TO_GEMINI: Readonly<Record<string, string>> = {
  alloy: 'Kore', // neutral, firm
  ash: 'Orus', // firm, lower
  ballad: 'Sulafat', // warm
  coral: 'Aoede', // breezy
  echo: 'Charon', // informative
  fable: 'Fenrir', // excitable storyteller
  onyx: 'Algenib', // gravelly, deep
  nova: 'Leda', // youthful
  sage: 'Iapetus', // clear
  shimmer: 'Zephyr', // bright
  verse: 'Puck', // upbeat
  marin: 'Despina', // smooth
  cedar: 'Alnilam', // firm
};

/** The Gemini prebuilt voice for an OpenAI `voice`: an OpenAI name through the table, a Gemini name in any case. */
export function openaiVoiceToGemini(voice: string | { id: string }): string {
  if (typeof voice !== 'string') {
    throw new InvalidRequestError('Custom voice ids are not supported: name an OpenAI voice or a Gemini prebuilt voice.', 'voice', 'unsupported_value');
  }
  const name = voice.trim().toLowerCase();
  const mapped = Object.hasOwn(OPENAI_VOICE_TO_GEMINI, name) ? OPENAI_VOICE_TO_GEMINI[name] : GEMINI_VOICES.find((gemini) => gemini.toLowerCase() === name);
  if (mapped) return mapped;
  throw new InvalidRequestError(
    `Unknown voice '${voice}'. Use an OpenAI voice (${Object.keys(OPENAI_VOICE_TO_GEMINI).join(', ')}) or a Gemini voice (${GEMINI_VOICES.join(', ')}).`,
    'voice',
    'unsupported_value',
  );
}
