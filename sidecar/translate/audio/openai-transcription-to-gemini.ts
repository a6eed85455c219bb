import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiGenerateContentRequest } from '../chat-completions/gemini-generate-schema';
import { audioUploadMimeType, type AudioUpload, type OpenAITranscriptionFields, type TranscriptionFormat } from './openai-transcription-schema';

/** Transcribe keeps the language spoken; translate turns it into English (OpenAI's translations endpoint). */
export type TranscriptionTask = 'transcribe' | 'translate';

/** The Gemini call a transcription or translation becomes. */
export interface TranslatedTranscriptionRequest {
  task: TranscriptionTask;
  model: string;
  format: TranscriptionFormat;
  stream: boolean;
  /** Timed formats ask Gemini for JSON segments (and words when asked for). */
  timed: boolean;
  words: boolean;
  geminiRequest: GeminiGenerateContentRequest;
  warnings: string[];
}

const TIMED_FORMATS: ReadonlySet<TranscriptionFormat> = new Set(['verbose_json', 'srt', 'vtt']);

const segmentSchema = {
  type: 'object',
  properties: { start: { type: 'number' }, end: { type: 'number' }, text: { type: 'string' } },
  required: ['start', 'end', 'text'],
};
const wordSchema = {
  type: 'object',
  properties: { word: { type: 'string' }, start: { type: 'number' }, end: { type: 'number' } },
  required: ['word', 'start', 'end'],
};

/**
 * OpenAI transcription / translation → Gemini audio understanding (https://ai.google.dev/gemini-api/docs/audio): the
 * bytes unchanged as an inlineData part, then a verbatim-transcript (or translate-to-English) instruction. Timed
 * formats ask for JSON segments in seconds; a general model's timestamps are its own estimate, as the README says.
 */
export function openaiTranscriptionToGemini(
  task: TranscriptionTask,
  request: OpenAITranscriptionFields,
  upload: AudioUpload,
): TranslatedTranscriptionRequest {
  const mimeType = audioUploadMimeType(upload);
  const format = request.response_format ?? 'json';
  const timed = TIMED_FORMATS.has(format);
  const granularities = request['timestamp_granularities[]'] ?? [];
  const words = timed && granularities.includes('word');
  const warnings: string[] = [];
  if (granularities.length > 0 && format !== 'verbose_json') warnings.push('timestamp_granularities[]');
  if (request['include[]'] != null) warnings.push('include[]');
  if (request.chunking_strategy != null) warnings.push('chunking_strategy');
  const stream = request.stream === true;
  if (stream && task === 'translate') throw new InvalidRequestError('Translations cannot be streamed.', 'stream', 'unsupported_parameter');
  if (stream && timed) {
    throw new InvalidRequestError(`stream is only available with response_format json or text, not ${format}.`, 'stream', 'unsupported_parameter');
  }
  if (task === 'translate' && request.language != null) warnings.push('language');
  const instruction = [
    task === 'translate'
      ? 'Translate the speech in this audio into English. Output only the English translation, nothing else.'
      : 'Generate a verbatim transcript of the speech in this audio. Output only the transcript, nothing else.',
    ...(task === 'transcribe' && request.language ? [`The speech is in ${languageName(request.language)}.`] : []),
    ...(request.prompt ? [`Context from the user, to follow for spelling and style (do not transcribe it): ${request.prompt}`] : []),
    ...(timed ? [timedInstruction(task, words)] : []),
  ].join('\n');
  return {
    task,
    model: request.model,
    format,
    stream,
    timed,
    words,
    geminiRequest: {
      contents: [{ role: 'user', parts: [{ inlineData: { mimeType, data: upload.base64 } }, { text: instruction }] }],
      generationConfig: {
        ...(request.temperature != null ? { temperature: request.temperature } : {}),
        ...(timed ? { responseMimeType: 'application/json', responseJsonSchema: timedSchema(words) } : {}),
      },
    },
    warnings,
  };
}

function timedInstruction(task: TranscriptionTask, words: boolean): string {
  return [
    `Answer in JSON: "segments" are consecutive phrases of the ${task === 'translate' ? 'translation' : 'transcript'} with "start" and "end" in seconds from the start of the audio`,
    words ? ', "words" every spoken word with its "start" and "end"' : '',
    ', and "language" is the English name of the language spoken, in lower case.',
  ].join('');
}

function timedSchema(words: boolean): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      language: { type: 'string' },
      segments: { type: 'array', items: segmentSchema },
      ...(words ? { words: { type: 'array', items: wordSchema } } : {}),
    },
    required: ['language', 'segments', ...(words ? ['words'] : [])],
  };
}

/** "de" → "German" for the instruction and for verbose_json's `language`; an unknown code stays as it is. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
