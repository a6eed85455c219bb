import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { getJson, postJson, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

interface Model {
  name: string;
  displayName: string;
  supportedGenerationMethods: string[];
}
interface ModelList {
  models?: Model[];
  nextPageToken?: string;
}

async function allModels(): Promise<Model[]> {
  return (await getJson<ModelList>(emulator, '/v1beta/models')).json.models ?? [];
}

describe('GET /v1beta/models', () => {
  it('walks at least three pages of pageSize=2 that add up to the full listing', async () => {
    const pages: Model[][] = [];
    let token: string | undefined;
    do {
      const query = token === undefined ? '' : `&pageToken=${encodeURIComponent(token)}`;
      const page = await getJson<ModelList>(emulator, `/v1beta/models?pageSize=2${query}`);
      expect(page.status).toBe(200);
      pages.push(page.json.models ?? []);
      token = page.json.nextPageToken;
    } while (token !== undefined && pages.length < 50);

    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
    const names = pages.flat().map((model) => model.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual((await allModels()).map((model) => model.name));
  });

  it('answers the last page without nextPageToken and a bad token with 400', async () => {
    const models = await allModels();
    const last = await getJson<ModelList>(emulator, `/v1beta/models?pageSize=${models.length}`);
    expect(last.json.nextPageToken).toBeUndefined();
    expect((await getJson<ModelList>(emulator, '/v1beta/models?pageToken=bm9wZQ')).status).toBe(400);
  });

  it.each([
    { kind: 'embedding', name: 'models/gemini-embedding-001', methods: ['embedContent', 'batchEmbedContents'] },
    { kind: 'embedding 2', name: 'models/gemini-embedding-2', methods: ['embedContent', 'batchEmbedContents'] },
    { kind: 'Imagen 4', name: 'models/imagen-4.0-generate-001', methods: ['predict'] },
    { kind: 'native image', name: 'models/gemini-2.5-flash-image', methods: ['generateContent'] },
    { kind: 'chat', name: 'models/gemini-2.5-flash', methods: ['generateContent'] },
  ])('lists a $kind model with its methods', async ({ name, methods }) => {
    const model = (await allModels()).find((candidate) => candidate.name === name);
    expect(model?.supportedGenerationMethods).toEqual(expect.arrayContaining(methods));
  });

  it('lists Imagen with predict only', async () => {
    const imagen = (await allModels()).filter((model) => model.name.startsWith('models/imagen-'));
    expect(imagen.map((model) => model.supportedGenerationMethods)).toEqual(imagen.map(() => ['predict']));
    expect(imagen.map((model) => model.name)).not.toContain('models/imagen-3.0-generate-002');
  });

  it('serves every listed method it implements, for every listed model', async () => {
    const bodies: Record<string, unknown> = {
      generateContent: userBody('hi'),
      embedContent: { content: { parts: [{ text: 'hi' }] }, outputDimensionality: 4 },
      predict: { instances: [{ prompt: 'hi' }], parameters: { sampleCount: 1 } },
    };
    for (const model of await allModels()) {
      const batchBody = { requests: [{ model: model.name, content: { parts: [{ text: 'hi' }] }, outputDimensionality: 4 }] };
      for (const method of model.supportedGenerationMethods) {
        // TTS models answer audio only, so they are asked for it.
        const speech = { ...userBody('hi'), generationConfig: { responseModalities: ['AUDIO'] } };
        const body = method === 'batchEmbedContents' ? batchBody : method === 'generateContent' && model.name.includes('-tts') ? speech : bodies[method];
        if (body === undefined) continue;
        const response = await postJson<unknown>(emulator, `/v1beta/${model.name}:${method}`, body);
        expect({ model: model.name, method, status: response.status }).toEqual({ model: model.name, method, status: 200 });
      }
    }
  });
});

describe('GET /v1beta/models/{id}', () => {
  it.each(['gemini-embedding-001', 'imagen-4.0-fast-generate-001', 'gemini-3.1-flash-image'])('returns %s', async (id) => {
    const response = await getJson<Model>(emulator, `/v1beta/models/${id}`);
    expect(response.status).toBe(200);
    expect(response.json.name).toBe(`models/${id}`);
  });

  it.each(['text-embedding-004', 'imagen-3.0-generate-002'])('answers 404 NOT_FOUND for the retired %s', async (id) => {
    const response = await getJson<Model>(emulator, `/v1beta/models/${id}`);
    expect(response.status).toBe(404);
    expect(response.json.error).toEqual({ code: 404, message: `models/${id} is not found for API version v1beta, or is not supported for get.`, status: 'NOT_FOUND' });
  });
});
