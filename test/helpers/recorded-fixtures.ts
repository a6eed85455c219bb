import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** One recorded HTTP exchange from a pydantic-ai VCR cassette. */
export interface CassetteInteraction {
  request: { method: string; uri: string; body: unknown };
  /** `body` is the raw response text: SSE bytes as recorded, or pretty JSON rebuilt from `parsed_body`. */
  response: { status: number; headers: Record<string, string[] | string>; body: string };
}

const cassetteSchema = z.object({
  interactions: z.array(
    z.object({
      request: z.object({
        method: z.string(),
        uri: z.string(),
        parsed_body: z.unknown().optional(),
        body: z.unknown().optional(),
      }),
      response: z.object({
        status: z.object({ code: z.number() }),
        headers: z.record(z.string(), z.union([z.array(z.string()), z.string()])).default({}),
        body: z.object({ string: z.string() }).optional(),
        parsed_body: z.unknown().optional(),
      }),
    }),
  ),
});

/** Absolute path of the recorded-traffic folder; throws (never skips) when it is missing. */
export function recordedFixturesDir(): string {
  const shared = process.env.SHARED_DIR ?? path.resolve(__dirname, '../../../shared');
  const dir = path.join(shared, 'fixtures', 'gemini-recorded');
  if (!existsSync(dir)) {
    throw new Error(`Recorded Gemini fixtures not found at ${dir}. Set SHARED_DIR to the folder that holds fixtures/gemini-recorded.`);
  }
  return dir;
}

/** Reads one recorded file as UTF-8 text, e.g. 'vercel-ai/google-text.json'. */
export function readRecordedText(name: string): string {
  const file = path.join(recordedFixturesDir(), name);
  if (!existsSync(file)) throw new Error(`Recorded fixture ${name} not found at ${file}`);
  return readFileSync(file, 'utf8');
}

/** Parses a recorded `.json` body, e.g. loadRecordedJson('vercel-ai/google-text.json'). */
export function loadRecordedJson(name: string): unknown {
  return JSON.parse(readRecordedText(name)) as unknown;
}

/**
 * Parses a `.chunks.txt` file: one SSE payload per line. Blank lines are ignored and a leading
 * `data: ` is stripped, because google-usage-raw-live.chunks.txt keeps the SSE envelope.
 */
export function loadRecordedChunks(name: string): unknown[] {
  return readRecordedText(name)
    .split(/\r?\n/)
    .map((line) => line.replace(/^data:\s?/, '').trim())
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/** Loads a pydantic-ai VCR cassette, e.g. loadCassette('pydantic-ai/test_google_model_stream.yaml'). */
export function loadCassette(name: string): CassetteInteraction[] {
  const cassette = cassetteSchema.parse(parseYaml(readRecordedText(name)));
  return cassette.interactions.map(({ request, response }) => ({
    request: { method: request.method, uri: request.uri, body: request.parsed_body ?? request.body },
    response: {
      status: response.status.code,
      headers: response.headers,
      // pydantic-ai stores unary JSON decoded (keys sorted); Google sends it with 2-space indent and a final newline.
      body: response.body?.string ?? `${JSON.stringify(response.parsed_body ?? null, null, 2)}\n`,
    },
  }));
}

/** Response headers of a cassette interaction flattened for a `raw` emulator script (hop-by-hop ones dropped). */
export function cassetteReplayHeaders(interaction: CassetteInteraction): Record<string, string> {
  const dropped = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection']);
  return Object.fromEntries(
    Object.entries(interaction.response.headers)
      .filter(([header]) => !dropped.has(header.toLowerCase()))
      .map(([header, value]) => [header, Array.isArray(value) ? value.join(', ') : value]),
  );
}
