import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import { parseWithParam } from '../parse-with-param';

/** The file types OpenAI accepts for transcriptions and translations, and the MIME type each goes to Gemini as. */
export const AUDIO_EXTENSION_TO_GEMINI_MIME: Readonly<Record<string, string>> = {
  flac: 'audio/flac',
  mp3: 'audio/mp3',
  mpeg: 'audio/mp3',
  mpga: 'audio/mp3',
  // Gemini lists video/mp4 and video/webm; an audio-only MP4/WebM is a video without frames to it.
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  wav: 'audio/wav',
  webm: 'video/webm',
};

/** Content types clients send for those files, when the file name says nothing. */
const MIME_TO_EXTENSION: Readonly<Record<string, string>> = {
  'audio/flac': 'flac', 'audio/x-flac': 'flac', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/mpga': 'mp3', 'audio/mp4': 'm4a', 'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a', 'video/mp4': 'mp4', 'audio/ogg': 'ogg', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/webm': 'webm', 'video/webm': 'webm',
};

export const TRANSCRIPTION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

/** The uploaded audio as the edge hands it over: bytes already base64 for an inlineData part. */
export interface AudioUpload {
  filename: string;
  contentType: string;
  base64: string;
  bytes: number;
}

const booleanField = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Text fields of a transcription / translation form, after the edge collected them (repeatable ones as lists). */
export const openAITranscriptionFieldsSchema = z.object({
  model: z.string().min(1),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]+)?$/, 'must be an ISO-639-1 code such as en').optional(),
  prompt: z.string().optional(),
  temperature: z.coerce.number().min(0).max(1).optional(),
  response_format: z.enum(TRANSCRIPTION_FORMATS).optional(),
  'timestamp_granularities[]': z.array(z.enum(['word', 'segment'])).optional(),
  'include[]': z.array(z.string()).optional(),
  stream: booleanField.optional(),
  chunking_strategy: z.string().optional(),
});

/** A validated transcription request (translations use the same fields, minus language and streaming). */
export type OpenAITranscriptionFields = z.infer<typeof openAITranscriptionFieldsSchema>;

const REPEATABLE = new Set(['timestamp_granularities[]', 'include[]']);

/** Form fields → the schema's shape; `timestamp_granularities` without brackets is taken as the list too. */
export function parseTranscriptionFields(fields: ReadonlyMap<string, readonly string[]>): { request: OpenAITranscriptionFields; unknownKeys: string[] } {
  const known = new Set(Object.keys(openAITranscriptionFieldsSchema.shape));
  const raw: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  for (const [name, values] of fields) {
    const key = known.has(name) ? name : known.has(`${name}[]`) ? `${name}[]` : name;
    if (!known.has(key)) {
      unknownKeys.push(name);
      continue;
    }
    raw[key] = REPEATABLE.has(key) ? [...((raw[key] as string[] | undefined) ?? []), ...values] : values.at(-1);
  }
  if (raw.model == null) throw new InvalidRequestError("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  return { request: parseWithParam(openAITranscriptionFieldsSchema, raw), unknownKeys };
}

/** The Gemini MIME type of an upload, from its extension or content type; anything else is OpenAI's 400. */
export function audioUploadMimeType(upload: Pick<AudioUpload, 'filename' | 'contentType'>): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(upload.filename)?.[1]?.toLowerCase();
  const fromName = extension ? AUDIO_EXTENSION_TO_GEMINI_MIME[extension] : undefined;
  const byType = MIME_TO_EXTENSION[upload.contentType.split(';')[0]!.trim().toLowerCase()];
  const mime = fromName ?? (byType ? AUDIO_EXTENSION_TO_GEMINI_MIME[byType] : undefined);
  if (mime) return mime;
  const supported = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
  throw new InvalidRequestError(`Invalid file format. Supported formats: ${JSON.stringify(supported)}`, 'file', 'invalid_value');
}
