import { z } from 'zod';

// What the return translation needs travels in Gemini's own resources: the display name of the uploaded (translated)
// input file, then of the batch. Gemini caps a File display name at 512 characters
// (https://ai.google.dev/api/files#File), so keys are short and the file name is cut to fit.

/** The OpenAI endpoints a batch can target. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings', '/v1/responses'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

const MARKER = 'openai-batch:';
const MAX_DISPLAY_NAME = 512;

/** What the sidecar learned from an input file while translating it. */
export interface BatchInputFacts {
  endpoint: BatchEndpoint;
  /** The model as the lines named it. */
  model: string;
  /** The Gemini model the lines were translated for. */
  geminiModel: string;
  /** Request lines (OpenAI's count) and, of those, lines that could not be translated. */
  lines: number;
  invalid: number;
  /** Gemini requests written (an embeddings line with several inputs writes several). */
  requests: number;
}

/** An input file's facts plus its OpenAI-side file name and size. */
export interface InputFileFacts extends BatchInputFacts {
  filename: string;
  bytes: number;
}

const endpoint = z.enum(BATCH_ENDPOINTS);
const count = z.number().int().min(0);
const factsShape = { e: endpoint, m: z.string(), g: z.string(), n: count, x: count, r: count };
const fileSchema = z.object({ ...factsShape, f: z.string(), b: count });
const batchSchema = z.object(factsShape);

function facts(value: BatchInputFacts) {
  return { e: value.endpoint, m: value.model, g: value.geminiModel, n: value.lines, x: value.invalid, r: value.requests };
}

function read(displayName: string | null | undefined): unknown {
  if (!displayName?.startsWith(MARKER)) return undefined;
  try {
    return JSON.parse(displayName.slice(MARKER.length)) as unknown;
  } catch {
    return undefined;
  }
}

/** The display name of a translated input file; undefined when even an empty file name does not fit. */
export function inputFileDisplayName(value: InputFileFacts): string | undefined {
  const head = MARKER + JSON.stringify({ ...facts(value), b: value.bytes, f: '' });
  const room = MAX_DISPLAY_NAME - head.length;
  if (room < 0) return undefined;
  let filename = value.filename.slice(0, room);
  // JSON escapes can make the cut name longer than its length; shorten until it fits.
  while (JSON.stringify(filename).length - 2 > room) filename = filename.slice(0, -1);
  return MARKER + JSON.stringify({ ...facts(value), b: value.bytes, f: filename });
}

/** An input file's facts from its display name, or undefined when the sidecar did not upload it. */
export function parseInputFileDisplayName(displayName: string | null | undefined): InputFileFacts | undefined {
  const parsed = fileSchema.safeParse(read(displayName));
  if (!parsed.success) return undefined;
  const { e, m, g, n, x, r, f, b } = parsed.data;
  return { endpoint: e, model: m, geminiModel: g, lines: n, invalid: x, requests: r, filename: f, bytes: b };
}

/** A batch's display name: the input's facts, which the output translation and request counts need. */
export function batchDisplayName(value: BatchInputFacts): string {
  return MARKER + JSON.stringify(facts(value));
}

/** A batch's facts from its display name, or undefined when the sidecar did not create it. */
export function parseBatchDisplayName(displayName: string | null | undefined): BatchInputFacts | undefined {
  const parsed = batchSchema.safeParse(read(displayName));
  if (!parsed.success) return undefined;
  const { e, m, g, n, x, r } = parsed.data;
  return { endpoint: e, model: m, geminiModel: g, lines: n, invalid: x, requests: r };
}
