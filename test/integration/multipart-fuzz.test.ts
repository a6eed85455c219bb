import fc from 'fast-check';
import request from 'supertest';
import { TINY_PNG_BASE64 } from '../emulator/default-media';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

// Multipart bodies built from a valid form and then damaged: truncated, bytes flipped, boundaries lied about, parts
// duplicated or renamed, headers garbled. Whatever arrives, the answer is a 200 or an OpenAI-shaped 4xx, never a 5xx,
// a crash or a hang, and the sidecar keeps serving.

const RUNS = Number(process.env.FUZZ_MULTIPART_RUNS ?? 60);
// /v1/files (Batch API input) reads its body through the same reader (server/multipart-body.ts), streaming its file part.
const ENDPOINTS = ['/v1/audio/transcriptions', '/v1/audio/translations', '/v1/images/edits', '/v1/files'] as const;
const PNG = Buffer.from(TINY_PNG_BASE64, 'base64');

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer;
}

const partArbitrary: fc.Arbitrary<Part> = fc.oneof(
  fc.record({ name: fc.constantFrom('model', 'prompt', 'language', 'response_format', 'temperature', 'n', 'size', 'stream', 'timestamp_granularities[]', 'purpose', 'x'), data: fc.oneof(fc.constantFrom('whisper-1', 'gemini-2.5-flash-image', 'batch', 'verbose_json', 'srt', '1', '-3', 'true', '1e999', '', 'en'), fc.string({ maxLength: 30 })).map((text) => Buffer.from(text)) }),
  fc.record({
    name: fc.constantFrom('file', 'image', 'image[]', 'mask', 'other'),
    filename: fc.constantFrom('a.wav', 'a.png', 'a.mp3', 'a', 'a.txt', '../../etc/passwd', '\u0000.wav', 'ä.webm'),
    type: fc.constantFrom('audio/wav', 'image/png', 'image/jpeg', 'application/octet-stream', 'text/plain', '', 'bogus'),
    data: fc.oneof(fc.constant(PNG), fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes))),
  }),
);

/** A damage applied to the encoded body. */
type Damage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; byte: number } | { kind: 'boundary'; claimed: string } | { kind: 'no-boundary' } | { kind: 'content-type'; value: string };

const damageArbitrary: fc.Arbitrary<Damage> = fc.oneof(
  fc.constant<Damage>({ kind: 'none' }),
  fc.nat().map((at): Damage => ({ kind: 'truncate', at })),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]): Damage => ({ kind: 'flip', at, byte })),
  fc.string({ minLength: 1, maxLength: 70 }).map((claimed): Damage => ({ kind: 'boundary', claimed })),
  fc.constant<Damage>({ kind: 'no-boundary' }),
  fc.constantFrom('multipart/form-data; boundary=', 'multipart/mixed; boundary=B', 'application/json', 'text/plain', 'multipart/form-data; boundary="unterminated').map((value): Damage => ({ kind: 'content-type', value })),
);

function encode(parts: readonly Part[], boundary: string): Buffer {
  const chunks = parts.flatMap((part) => {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.type !== undefined ? `\r\nContent-Type: ${part.type}` : '';
    return [Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`, 'latin1'), part.data, Buffer.from('\r\n')];
  });
  return Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]);
}

function damaged(body: Buffer, boundary: string, damage: Damage): { body: Buffer; contentType: string } {
  const contentType = `multipart/form-data; boundary=${boundary}`;
  switch (damage.kind) {
    case 'none':
      return { body, contentType };
    case 'truncate':
      return { body: body.subarray(0, damage.at % (body.length + 1)), contentType };
    case 'flip': {
      const copy = Buffer.from(body);
      if (copy.length > 0) copy[damage.at % copy.length] = damage.byte;
      return { body: copy, contentType };
    }
    case 'boundary':
      return { body, contentType: `multipart/form-data; boundary=${damage.claimed}` };
    case 'no-boundary':
      return { body, contentType: 'multipart/form-data' };
    case 'content-type':
      return { body, contentType: damage.value };
  }
}

describe('multipart endpoints under fuzzed bodies', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ uploads: { audioMaxBytes: 4096, imageMaxBytes: 4096 } });
  });
  afterAll(() => harness.close());

  it.each(ENDPOINTS)('%s answers 200 or an OpenAI-shaped 4xx, never a 5xx', async (path) => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(partArbitrary, { maxLength: 6 }), damageArbitrary, async (parts, damage) => {
        const boundary = 'fuzzBoundary1234';
        const { body, contentType } = damaged(encode(parts, boundary), boundary, damage);
        const response = await request(harness.app).post(path).set('Authorization', 'Bearer k').set('Content-Type', contentType).timeout({ response: 10_000, deadline: 15_000 }).send(body);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          const error = (response.body as { error?: Record<string, unknown> }).error;
          expect(Object.keys(error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator must reach the translators sometimes, not only the parser's refusals.
    expect([...statuses.keys()].some((status) => status === 200 || status === 400)).toBe(true);
    const alive = await request(harness.app).get('/v1/models').set('Authorization', 'Bearer k');
    expect(alive.status).toBe(200);
  }, 120_000);
});
