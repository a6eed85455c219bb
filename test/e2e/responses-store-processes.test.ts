import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';

// Two built sidecars sharing one Redis and one encryption key, as two replicas of a Deployment do: a conversation
// started on one continues on the other through previous_response_id, readable only by the credential that made it.

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
}

const ALICE = 'alice-client-key-000001';
const BOB = 'bob-client-key-0000002';
const PASSWORD = 'redis-password-responses-store';
const MODEL = 'gemini-2.5-flash';
const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('previous_response_id across two sidecar processes sharing Redis', () => {
  let emulator: GeminiEmulator;
  let redis: RedisServer;
  let a: SidecarProcess;
  let b: SidecarProcess;
  const client = (sidecar: SidecarProcess, apiKey: string) => new OpenAI({ apiKey, baseURL: `${sidecar.url}/v1`, maxRetries: 0 });
  const lastGemini = (): GeminiBody => emulator.lastRequest()!.body as GeminiBody;
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as InstanceType<typeof OpenAI.APIError>);

  beforeAll(async () => {
    [emulator, redis] = await Promise.all([GeminiEmulator.start(), startRedisServer({ password: PASSWORD })]);
    const env = {
      REDIS_URL: redis.url,
      REDIS_PASSWORD: PASSWORD,
      STORE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SIDECAR_API_KEYS: `${ALICE},${BOB}`,
      SIDECAR_TRUST_INGRESS: 'false',
    };
    [a, b] = await Promise.all([startSidecarProcess(emulator.url, env), startSidecarProcess(emulator.url, env)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([emulator?.close(), redis?.stop()]);
  });

  beforeEach(() => emulator.reset());

  it('turn 2 on B continues turn 1 of A: Gemini gets the history and only the instructions of turn 2', async () => {
    const { data: first, response: raw } = await client(a, ALICE).responses.create({ model: MODEL, instructions: 'Answer in French.', input: 'store turn one: hello' }).withResponse();
    expect(first).toHaveProperty('store', true);
    expect(raw.headers.get('x-sidecar-response-store')).toBeNull();

    const second = await client(b, ALICE).responses.create({ model: MODEL, instructions: 'Answer in German.', previous_response_id: first.id, input: 'store turn two: again' });

    expect(second).toMatchObject({ status: 'completed', store: true, previous_response_id: first.id, instructions: 'Answer in German.', output_text: 'Echo: store turn two: again' });
    expect(lastGemini().contents).toEqual([
      { role: 'user', parts: [{ text: 'store turn one: hello' }] },
      { role: 'model', parts: [{ text: 'Echo: store turn one: hello' }] },
      { role: 'user', parts: [{ text: 'store turn two: again' }] },
    ]);
    expect(lastGemini().systemInstruction).toEqual({ parts: [{ text: 'Answer in German.' }] });
  });

  it('a streamed Gemini 3 tool call stored by A is answered on B: the signature comes back from the store', async () => {
    const stream = client(a, ALICE).responses.stream({ model: 'gemini-3-flash-preview', input: 'store tool: Paris', tools: [weatherTool] });
    const first = await stream.finalResponse();
    const call = first.output.flatMap((item) => (item.type === 'function_call' ? [item] : []))[0]!;
    const [signature] = emulator.thoughtSignatures.issued;

    const second = await client(b, ALICE).responses.create({
      model: 'gemini-3-flash-preview',
      previous_response_id: first.id,
      tools: [weatherTool],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temp":21}' }],
    });

    expect(second.output_text).toBe('Result: {"temp":21}');
    expect(lastGemini().contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
    expect(lastGemini().contents[1]!.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'store tool: Paris' }, id: call.call_id }, thoughtSignature: signature }]);
    expect(emulator.thoughtSignatures.received.map((received) => received.issued)).toEqual([true]);
  });

  describe('the stored response, read on the other process', () => {
    let first: OpenAI.Responses.Response;
    let second: OpenAI.Responses.Response;

    beforeAll(async () => {
      first = await client(a, ALICE).responses.create({ model: MODEL, input: 'listed one' });
      second = await client(a, ALICE).responses.create({ model: MODEL, previous_response_id: first.id, input: 'listed two' });
    });

    it('GET /v1/responses/{id} on B returns the response A answered', async () => {
      expect(await client(b, ALICE).responses.retrieve(second.id)).toEqual(second);
    });

    it('GET /v1/responses/{id}/input_items on B: the whole conversation, newest first by default, paged by limit and after', async () => {
      const items = client(b, ALICE).responses.inputItems;
      const ascending = await items.list(second.id, { order: 'asc' });
      expect(ascending.data).toHaveLength(3);
      // Easy-form input messages are listed as full message items, as OpenAI lists them.
      expect(ascending.data[0]).toEqual({ id: expect.any(String), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'listed one' }] });
      expect(ascending.data[1]).toEqual(first.output[0]);
      expect(ascending.data[2]).toEqual({ id: expect.any(String), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'listed two' }] });
      for (const item of ascending.data) expect(item.id).toEqual(expect.any(String));

      const descending = await items.list(second.id);
      expect(descending.data.map((item) => item.id)).toEqual(ascending.data.map((item) => item.id).reverse());

      const page = await items.list(second.id, { order: 'asc', limit: 2 });
      expect(page.data.map((item) => item.id)).toEqual(ascending.data.slice(0, 2).map((item) => item.id));
      expect(page.has_more).toBe(true);
      const next = await items.list(second.id, { order: 'asc', limit: 2, after: page.data[1]!.id });
      expect(next.data.map((item) => item.id)).toEqual([ascending.data[2]!.id]);
      expect(next.has_more).toBe(false);
    });

    it('another credential can neither read, list, delete nor continue it', async () => {
      const bob = client(b, BOB);

      expect(await failure(bob.responses.retrieve(second.id))).toBeInstanceOf(OpenAI.NotFoundError);
      expect(await failure(bob.responses.inputItems.list(second.id))).toBeInstanceOf(OpenAI.NotFoundError);
      expect(await failure(bob.responses.delete(second.id))).toBeInstanceOf(OpenAI.NotFoundError);
      const continued = await failure(bob.responses.create({ model: MODEL, previous_response_id: second.id, input: 'bob here' }));
      expect(continued).toBeInstanceOf(OpenAI.BadRequestError);
      expect(continued?.error).toMatchObject({ type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' });
      expect(emulator.requests).toHaveLength(0);
      expect((await client(a, ALICE).responses.retrieve(second.id)).id).toBe(second.id);
    });

    it('DELETE on B, then GET on A is a 404 and continuing it a 400 previous_response_not_found', async () => {
      // The SDK's delete resolves to nothing; the body is OpenAI's deletion object.
      const deleted = await fetch(`${b.url}/v1/responses/${first.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ALICE}` } });
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ id: first.id, object: 'response', deleted: true });

      expect(await failure(client(a, ALICE).responses.retrieve(first.id))).toBeInstanceOf(OpenAI.NotFoundError);
      expect(await failure(client(b, ALICE).responses.delete(first.id))).toBeInstanceOf(OpenAI.NotFoundError);
      const continued = await failure(client(a, ALICE).responses.create({ model: MODEL, previous_response_id: first.id, input: 'after delete' }));
      expect(continued?.status).toBe(400);
      expect(continued?.error).toMatchObject({ param: 'previous_response_id', code: 'previous_response_not_found' });
      expect(continued?.message).toContain(`Previous response with id '${first.id}' not found.`);
    });
  });

  describe('while Redis is down', () => {
    beforeAll(() => redis.stop());
    afterAll(() => redis.start());

    it.each([false, true])('an answer that could not be stored says store: false (stream: %s)', async (stream) => {
      let final: OpenAI.Responses.Response;
      if (stream) {
        final = await client(a, ALICE).responses.stream({ model: MODEL, input: 'unstored' }).finalResponse();
      } else {
        const { data, response } = await client(a, ALICE).responses.create({ model: MODEL, input: 'unstored' }).withResponse();
        expect(response.headers.get('x-sidecar-response-store')).toBe('failed');
        final = data;
      }

      expect(final.status).toBe('completed');
      expect(final).toHaveProperty('store', false);
    });
  });
});
