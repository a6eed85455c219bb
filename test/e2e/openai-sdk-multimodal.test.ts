import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

// A real 1×1 PNG (67 bytes).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface GeminiBody {
  contents: Array<{ parts: Array<{ inlineData?: { mimeType: string; data: string }; fileData?: { fileUri: string } }> }>;
  generationConfig?: Record<string, unknown>;
}

describe('multimodal input, thinking and image output through the official openai SDK', () => {
  let harness: SidecarHarness;
  let api: Server;
  let images: Server;
  let imagesUrl: string;
  let client: OpenAI;

  beforeAll(async () => {
    // The image host is on loopback, which the SSRF guard refuses unless private networks are allowed.
    harness = await startSidecarHarness({ media: { allowPrivateNetworks: true } });
    api = harness.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => api.once('listening', resolve));
    images = createServer((req, res) => {
      if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else res.writeHead(404).end();
    });
    imagesUrl = await listen(images);
    client = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1beta/openai`, maxRetries: 0 });
  });
  afterAll(async () => {
    api.closeAllConnections();
    images.closeAllConnections();
    await Promise.all([new Promise((resolve) => api.close(resolve)), new Promise((resolve) => images.close(resolve))]);
    await harness.close();
  });
  beforeEach(() => harness.emulator.reset());

  const lastBody = () => harness.emulator.lastRequest()!.body as GeminiBody;

  it('sends a data-URL image inline, bytes unchanged', async () => {
    const reply = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
          ],
        },
      ],
    });
    expect(reply.choices[0]!.message.content).toContain(`[saw image/png ${PNG.length} bytes]`);
    expect(lastBody().contents[0]!.parts[1]).toEqual({ inlineData: { mimeType: 'image/png', data: PNG.toString('base64') } });
  });

  it('fetches an http(s) image URL and inlines it', async () => {
    const reply = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: `${imagesUrl}/cat.png` } }] }],
    });
    expect(reply.choices[0]!.message.content).toContain(`[saw image/png ${PNG.length} bytes]`);
  });

  it('answers 400 for an image URL that cannot be fetched, without calling Gemini', async () => {
    await expect(
      client.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${imagesUrl}/missing.png` } }] }],
      }),
    ).rejects.toMatchObject({ status: 400, code: 'image_fetch_failed' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('sends input_audio inline with its MIME type', async () => {
    const wav = Buffer.from('RIFF0000WAVEfmt ').toString('base64');
    await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: wav, format: 'wav' } }] }],
    });
    expect(lastBody().contents[0]!.parts[0]).toEqual({ inlineData: { mimeType: 'audio/wav', data: wav } });
  });

  it('returns thought summaries as reasoning_content, never in content', async () => {
    const reply = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
      reasoning_effort: 'low',
      // extra_body as the Python SDK would merge it: a top-level "google" key.
      ...({ google: { thinking_config: { include_thoughts: true } } } as object),
    });
    const message = reply.choices[0]!.message as OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toEqual(expect.any(String));
    expect(message.content).not.toContain(message.reasoning_content!);
    expect(reply.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    expect(lastBody().generationConfig).toMatchObject({ thinkingConfig: { includeThoughts: true } });
  });

  it('returns generated images from an image model as message.images (the seed gemini-2.5-flash-image-preview example)', async () => {
    const reply = await client.chat.completions.create({
      model: 'gemini-2.5-flash-image-preview',
      messages: [{ role: 'user', content: 'Draw a cat' }],
    });
    const message = reply.choices[0]!.message as OpenAI.Chat.ChatCompletionMessage & { images?: Array<{ image_url: { url: string } }> };
    expect(message.images?.[0]?.image_url.url).toMatch(/^data:image\/png;base64,/);
    expect(lastBody().generationConfig).toMatchObject({ responseModalities: ['TEXT', 'IMAGE'] });
  });

  it('returns structured output for a json_schema response_format', async () => {
    await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'A person' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'person', strict: true, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } },
      },
    });
    expect(lastBody().generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
    });
  });

  it('streams thought summaries as delta.reasoning_content and images as delta.images', async () => {
    const thinking = await client.chat.completions.create({
      model: 'gemini-3-flash-preview',
      messages: [{ role: 'user', content: 'Think first' }],
      stream: true,
      ...({ extra_body: { google: { thinking_config: { include_thoughts: true, thinking_level: 'low' } } } } as object),
    });
    let reasoning = '';
    let content = '';
    for await (const chunk of thinking) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning.length).toBeGreaterThan(0);
    expect(content).toContain('Think first');
    expect(content).not.toContain(reasoning);

    const drawing = await client.chat.completions.create({ model: 'gemini-2.5-flash-image', messages: [{ role: 'user', content: 'Draw' }], stream: true });
    const urls: string[] = [];
    for await (const chunk of drawing) {
      const delta = chunk.choices[0]?.delta as { images?: Array<{ image_url: { url: string } }> } | undefined;
      urls.push(...(delta?.images ?? []).map((image) => image.image_url.url));
    }
    expect(urls).toEqual([expect.stringMatching(/^data:image\/png;base64,/)]);
  });
});
