import { z } from 'zod';
import type { GeminiUsage } from '../chat-completions/gemini-generate-schema';
import { geminiUsageToOpenAI } from '../chat-completions/usage';
import type { TranscriptionFormat } from './openai-transcription-schema';
import type { TranscriptionTask } from './openai-transcription-to-gemini';

const timedAnswerSchema = z.object({
  language: z.string().nullish(),
  segments: z.array(z.object({ start: z.number().min(0), end: z.number().min(0), text: z.string() })),
  words: z.array(z.object({ word: z.string(), start: z.number().min(0), end: z.number().min(0) })).nullish(),
});

/** OpenAI's token usage of gpt-4o transcriptions; the audio is all of Gemini's non-text prompt tokens. */
export interface OpenAITranscriptionUsage {
  type: 'tokens';
  input_tokens: number;
  input_token_details: { text_tokens: number; audio_tokens: number };
  output_tokens: number;
  total_tokens: number;
}

/** A rendered answer: JSON (json, verbose_json) or plain text (text, srt, vtt). */
export type TranscriptionAnswer = { kind: 'json'; body: Record<string, unknown> } | { kind: 'text'; body: string; contentType: string };

/** What Gemini said and how it is to be answered. */
export interface TranscriptionResult {
  task: TranscriptionTask;
  format: TranscriptionFormat;
  text: string;
  usage: GeminiUsage | null | undefined;
  /** English name of the language the caller named (verbose_json), when Gemini names none. */
  language?: string;
}

const promptDetailsSchema = z.object({
  promptTokensDetails: z.array(z.looseObject({ modality: z.string().nullish(), tokenCount: z.number().nullish() })),
});

/** Gemini usage → the `usage` of a transcription answer; text tokens from promptTokensDetails, the rest is audio. */
export function geminiUsageToTranscription(usage: GeminiUsage | null | undefined): OpenAITranscriptionUsage {
  const openai = geminiUsageToOpenAI(usage);
  const details = promptDetailsSchema.safeParse(usage);
  const text = (details.success ? details.data.promptTokensDetails : []).reduce((sum, entry) => sum + (entry.modality === 'TEXT' ? (entry.tokenCount ?? 0) : 0), 0);
  return {
    type: 'tokens',
    input_tokens: openai.prompt_tokens,
    input_token_details: { text_tokens: text, audio_tokens: Math.max(0, openai.prompt_tokens - text) },
    output_tokens: openai.completion_tokens,
    total_tokens: openai.total_tokens,
  };
}

/** Gemini's answer → the OpenAI body of the asked format; `warnings` says when timed JSON could not be read. */
export function geminiTranscriptionToOpenAI(result: TranscriptionResult, usage: OpenAITranscriptionUsage): { answer: TranscriptionAnswer; warnings: string[] } {
  if (result.format === 'json') return { answer: { kind: 'json', body: { text: result.text.trim(), usage } }, warnings: [] };
  if (result.format === 'text') return { answer: { kind: 'text', body: `${result.text.trim()}\n`, contentType: 'text/plain; charset=utf-8' }, warnings: [] };
  const warnings: string[] = [];
  const timed = readTimed(result.text, warnings);
  const segments = timed.segments.map((segment, id) => ({
    id,
    seek: 0,
    start: segment.start,
    end: Math.max(segment.start, segment.end),
    text: ` ${segment.text.trim()}`,
    tokens: [],
    temperature: 0,
    avg_logprob: 0,
    compression_ratio: 0,
    no_speech_prob: 0,
  }));
  const duration = Math.max(0, ...segments.map((segment) => segment.end), ...(timed.words ?? []).map((word) => word.end));
  if (result.format === 'srt') return { answer: { kind: 'text', body: subtitles(segments, ','), contentType: 'text/plain; charset=utf-8' }, warnings };
  if (result.format === 'vtt') return { answer: { kind: 'text', body: `WEBVTT\n\n${subtitles(segments, '.')}`, contentType: 'text/vtt; charset=utf-8' }, warnings };
  const language = result.task === 'translate' ? 'english' : (timed.language ?? result.language ?? 'unknown').toLowerCase();
  return {
    answer: {
      kind: 'json',
      body: {
        task: result.task,
        language,
        duration,
        text: segments.map((segment) => segment.text.trim()).join(' '),
        segments,
        ...(timed.words ? { words: timed.words } : {}),
        usage,
      },
    },
    warnings,
  };
}

function readTimed(text: string, warnings: string[]): z.infer<typeof timedAnswerSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = timedAnswerSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  // A model that ignored the schema still said something: one untimed segment keeps it.
  warnings.push('Gemini answered a timed transcript without readable segments; sent as one segment at 0 s');
  return { language: null, segments: [{ start: 0, end: 0, text }] };
}

/** SRT and WebVTT cues; they differ only in the header and in the separator before milliseconds. */
function subtitles(segments: ReadonlyArray<{ start: number; end: number; text: string }>, separator: ',' | '.'): string {
  return segments.map((segment, index) => `${index + 1}\n${timestamp(segment.start, separator)} --> ${timestamp(segment.end, separator)}\n${segment.text.trim()}\n\n`).join('');
}

function timestamp(seconds: number, separator: string): string {
  const total = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(total / 3_600_000))}:${pad(Math.floor(total / 60_000) % 60)}:${pad(Math.floor(total / 1000) % 60)}${separator}${pad(total % 1000, 3)}`;
}
