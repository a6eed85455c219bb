import { crc32, inflateSync } from 'node:zlib';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { BASE64, generate, partsOf, stream, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Walks the PNG chunks, checking every CRC; returns width, height and the inflated scanlines. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const chunks: Record<string, Buffer> = {};
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(typeAndData));
    chunks[typeAndData.subarray(0, 4).toString('latin1')] = typeAndData.subarray(4);
    offset += 12 + length;
  }
  expect(Object.keys(chunks)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const header = chunks.IHDR ?? Buffer.alloc(8);
  return { width: header.readUInt32BE(0), height: header.readUInt32BE(4), pixels: inflateSync(chunks.IDAT ?? Buffer.alloc(0)) };
}

describe('default image output', () => {
  it('answers an image model with a short text and a real PNG, billing IMAGE tokens as recorded', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash-image', userBody('draw an axolotl'));
    const [text, image] = partsOf(response.json);

    expect(text).toEqual({ text: 'Echo: draw an axolotl' });
    expect(image?.inlineData?.mimeType).toBe('image/png');
    expect(image?.inlineData?.data).toMatch(BASE64);
    expect(decodePng(Buffer.from(image?.inlineData?.data ?? '', 'base64'))).toMatchObject({ width: 1, height: 1, pixels: expect.any(Buffer) });
    expect(image?.thoughtSignature).toBeUndefined();
    expect(response.json.usageMetadata).toMatchObject({
      candidatesTokenCount: 6 + 1290,
      candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }],
    });
  });

  it('sends only the image for responseModalities ["IMAGE"], and only text for ["TEXT"]', async () => {
    const imageOnly = await generate(emulator, 'gemini-2.5-flash-image', userBody('draw', { generationConfig: { responseModalities: ['IMAGE'] } }));
    const textOnly = await generate(emulator, 'gemini-2.5-flash-image', userBody('draw', { generationConfig: { responseModalities: ['TEXT'] } }));

    expect(partsOf(imageOnly.json).map((part) => Object.keys(part))).toEqual([['inlineData']]);
    expect(imageOnly.json.usageMetadata?.candidatesTokenCount).toBe(1290);
    expect(partsOf(textOnly.json)).toEqual([{ text: 'Echo: draw' }]);
  });

  it('Gemini 3 image models sign the first part and every image part', async () => {
    const response = await generate(emulator, 'gemini-3-pro-image-preview', userBody('draw', { generationConfig: { imageConfig: { aspectRatio: '16:9' } } }));
    const parts = partsOf(response.json);

    expect(parts.map((part) => [Object.keys(part)[0], typeof part.thoughtSignature])).toEqual([
      ['text', 'string'],
      ['inlineData', 'string'],
    ]);
    expect(parts[0]?.thoughtSignature).not.toBe(parts[1]?.thoughtSignature);
  });

  it('streams the text, then the image, then STOP (Gemini 2.5: on the image chunk)', async () => {
    const { chunks } = await stream(emulator, 'gemini-2.5-flash-image', userBody('draw'));

    expect(chunks.map((chunk) => Object.keys(partsOf(chunk)[0] ?? {})[0])).toEqual(['text', 'text', 'inlineData']);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }] });
  });

  it('streams Gemini 3 images with a trailing empty-text STOP chunk', async () => {
    const { chunks } = await stream(emulator, 'gemini-3-pro-image-preview', userBody('draw', { generationConfig: { responseModalities: ['IMAGE'] } }));

    expect(chunks.map((chunk) => partsOf(chunk).map((part) => Object.keys(part)))).toEqual([[['inlineData', 'thoughtSignature']], [['text']]]);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([undefined, 'STOP']);
  });
});

describe('inline media echo', () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNwav0CAALIAbyWt4nEAAAAAElFTkSuQmCC';

  it('mentions inlineData with its decoded byte length and fileData with its URI', async () => {
    const contents = [
      {
        role: 'user',
        parts: [
          { text: 'what is this?' },
          { inlineData: { mimeType: 'image/png', data: png } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/report.pdf' } },
        ],
      },
    ];
    const response = await generate(emulator, 'gemini-2.5-flash', { contents });

    expect(partsOf(response.json)[0]?.text).toBe('Echo: what is this? [saw image/png 69 bytes] [saw file https://example.com/report.pdf]');
  });

  it('decodes URL-safe unpadded base64 to the same byte count', async () => {
    const urlSafe = Buffer.from([0xfb, 0xff, 0xfe, 0x01]).toString('base64url');
    const contents = [{ role: 'user', parts: [{ text: 'bytes' }, { inline_data: { mime_type: 'application/octet-stream', data: urlSafe } }] }];
    expect(partsOf((await generate(emulator, 'gemini-2.5-flash', { contents })).json)[0]?.text).toBe('Echo: bytes [saw application/octet-stream 4 bytes]');
  });

  it('mentions media returned inside functionResponse parts', async () => {
    const contents = [
      { role: 'user', parts: [{ text: 'screenshot please' }] },
      { role: 'model', parts: [{ functionCall: { name: 'screenshot', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'screenshot', response: { ok: true }, parts: [{ inlineData: { mimeType: 'image/png', data: png } }] } }] },
    ];
    const response = await generate(emulator, 'gemini-2.5-flash', { contents, tools: [{ functionDeclarations: [{ name: 'screenshot' }] }] });
    expect(partsOf(response.json)[0]?.text).toBe('Result: {"ok":true} [saw image/png 69 bytes]');
  });
});
