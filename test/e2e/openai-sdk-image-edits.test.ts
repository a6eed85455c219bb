import OpenAI, { toFile } from 'openai';
import { TINY_PNG_BASE64 } from '../emulator/default-media';
import { useSdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>;
  generationConfig?: Record<string, unknown>;
}

const PNG = Buffer.from(TINY_PNG_BASE64, 'base64');
/** A different image, so tests can tell which input came back: a 1×1 JPEG's bytes (content is not inspected). */
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==', 'base64');

describe.each(BACKENDS)('POST /v1/images/edits through the official openai SDK on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', { backend }, (sdk) => ({ harness, client } = sdk));

  const bodies = (): GeminiBody[] => harness.emulator.requests.map((request) => request.body as GeminiBody);

  it('one image: inlineData then the prompt, IMAGE modality, size as aspect ratio; the edited image back as b64_json', async () => {
    const result = await client.images.edit({
      model: 'gemini-2.5-flash-image',
      image: await toFile(PNG, 'cat.png', { type: 'image/png' }),
      prompt: 'Give the cat a hat',
      size: '1536x1024',
    });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-2.5-flash-image', 'generateContent'));
    expect(harness.upstreamCredential(harness.emulator.lastRequest()!)).toBe(harness.expectedCredential('k'));
    expect(bodies()[0]).toEqual({
      contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } }, { text: 'Give the cat a hat' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' } },
    });
    expect(result.data).toEqual([{ b64_json: TINY_PNG_BASE64 }]);
    expect(result.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
  });

  it('several images (image[]) in order, and n=2 as two calls', async () => {
    const result = await client.images.edit({
      model: 'gemini-3.1-flash-image',
      image: [await toFile(JPEG, 'room.jpg', { type: 'image/jpeg' }), await toFile(PNG, 'lamp.png', { type: 'image/png' })],
      prompt: 'Put the lamp in the room',
      n: 2,
    });
    expect(harness.emulator.requests).toHaveLength(2);
    for (const body of bodies()) {
      expect(body.contents[0]!.parts.map((part) => part.inlineData?.mimeType ?? part.text)).toEqual(['image/jpeg', 'image/png', 'Put the lamp in the room']);
      expect(body.contents[0]!.parts[0]!.inlineData!.data).toBe(JPEG.toString('base64'));
    }
    expect(result.data!.map((image) => image.b64_json)).toEqual([JPEG.toString('base64'), JPEG.toString('base64')]);
  });

  it('the JSON variant with data URLs', async () => {
    const response = await fetch(`${client.baseURL}/images/edits`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash-image', prompt: 'Brighter', images: [{ image_url: `data:image/png;base64,${TINY_PNG_BASE64}` }] }),
    });
    expect(response.status).toBe(200);
    expect(bodies()[0]!.contents[0]!.parts[0]).toEqual({ inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } });
  });

  const refusals: Array<{ name: string; fields: Record<string, unknown>; param: string }> = [
    { name: 'a mask (Gemini has none)', fields: { mask: 'png' }, param: 'mask' },
    { name: 'response_format url', fields: { response_format: 'url' }, param: 'response_format' },
    { name: 'a GIF', fields: { image: 'gif' }, param: 'image[0]' },
    { name: 'an Imagen model', fields: { model: 'imagen-4.0-generate-001' }, param: 'model' },
    { name: 'a text model', fields: { model: 'gemini-2.5-flash' }, param: 'model' },
    { name: 'n = 11', fields: { n: 11 }, param: 'n' },
    { name: 'an empty prompt', fields: { prompt: ' ' }, param: 'prompt' },
  ];
  it.each(refusals)('refuses $name with a 400 naming $param and no upstream call', async ({ fields, param }) => {
    const image = fields.image === 'gif' ? await toFile(Buffer.from('GIF89a'), 'a.gif', { type: 'image/gif' }) : await toFile(PNG, 'a.png', { type: 'image/png' });
    const mask = fields.mask ? { mask: await toFile(PNG, 'mask.png', { type: 'image/png' }) } : {};
    const { mask: _mask, image: _image, ...rest } = fields;
    const body = { model: 'gemini-2.5-flash-image', prompt: 'Edit it', ...rest, image, ...mask };
    const error = (await client.images.edit(body as never).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe(param);
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('is served under /v1beta/openai/ too', async () => {
    const beta = new OpenAI({ apiKey: 'k', baseURL: client.baseURL.replace(/\/v1$/, '/v1beta/openai'), maxRetries: 0 });
    const result = await beta.images.edit({ model: 'gemini-2.5-flash-image', image: await toFile(PNG, 'a.png', { type: 'image/png' }), prompt: 'beta' });
    expect(result.data).toHaveLength(1);
  });
});
