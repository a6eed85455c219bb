import { z } from 'zod';

// A Gemini batch line's `key` carries what the output translation needs about that line, as compact JSON: the
// caller's custom_id, for an embeddings input its place and format, for a line the sidecar could not translate the
// error to report, and for a Responses line the settings its response object echoes.

/** The error of a line the sidecar could not translate (reported in the error file, never sent for real). */
export interface LineError {
  status: number;
  type: string;
  code: string | null;
  param: string | null;
  message: string;
}

/** Everything a line key holds. */
export interface LineKey {
  id: string;
  /** Embeddings: input index, inputs in the line, encoding format, estimated tokens of this input. */
  i?: number;
  n?: number;
  f?: 'float' | 'base64';
  t?: number;
  /** A line that could not be translated. */
  err?: LineError;
  /** Responses: the request settings the response object echoes. */
  s?: Record<string, unknown>;
}

const lineKeySchema = z.object({
  id: z.string(),
  i: z.number().int().min(0).optional(),
  n: z.number().int().min(1).optional(),
  f: z.enum(['float', 'base64']).optional(),
  t: z.number().int().min(0).optional(),
  err: z
    .object({ status: z.number().int(), type: z.string(), code: z.string().nullable(), param: z.string().nullable(), message: z.string() })
    .optional(),
  s: z.record(z.string(), z.unknown()).optional(),
});

/** A line key as written into the Gemini batch file. */
export function encodeLineKey(key: LineKey): string {
  return JSON.stringify(key);
}

/** A key read back from Gemini's output, or undefined when it is not one the sidecar wrote. */
export function decodeLineKey(key: string | null | undefined): LineKey | undefined {
  if (!key) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(key) as unknown;
  } catch {
    return undefined;
  }
  const parsed = lineKeySchema.safeParse(raw);
  return parsed.success ? (parsed.data as LineKey) : undefined;
}
