import { z } from 'zod';
import { parseRequestBody } from '../parse-with-param';

/** OpenAI's limit on `input` and `instructions` (CreateSpeechRequest). */
export const MAX_SPEECH_INPUT_CHARS = 4096;

/** Every `response_format` OpenAI defines; which of them the sidecar can encode is decided at the edge. */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** Inbound `POST /v1/audio/speech` body. */
export const openAISpeechRequestSchema = z.object({
  model: z.string().min(1),
  input: z.string().regex(/\S/, 'must not be empty').max(MAX_SPEECH_INPUT_CHARS),
  voice: z.union([z.string().min(1), z.object({ id: z.string().min(1) })]),
  instructions: z.string().max(MAX_SPEECH_INPUT_CHARS).nullish(),
  response_format: z.enum(SPEECH_FORMATS).nullish(),
  speed: z.number().min(0.25).max(4).nullish(),
  stream_format: z.enum(['audio', 'sse']).nullish(),
  extra_body: z.unknown().optional(),
  google: z.unknown().optional(),
});

/** A validated speech request. */
export type OpenAISpeechRequest = z.infer<typeof openAISpeechRequestSchema>;

/** Validates an inbound speech body; the first problem becomes a 400 naming its `param`. */
export function parseOpenAISpeechRequest(body: unknown): { request: OpenAISpeechRequest; unknownKeys: string[] } {
  return parseRequestBody(openAISpeechRequestSchema, body);
}
