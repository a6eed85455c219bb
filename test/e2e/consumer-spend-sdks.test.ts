import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { BUILT_IN_PRICES } from '@sidecar/spend/price-table';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { pythonClientsPython } from '../helpers/tool-paths';
import { sampleValue } from '../helpers/metric-sample';

const run = promisify(execFile);
const PYTHON_SCRIPT = resolve(__dirname, 'clients/python_consumer_spend.py');

/** Sum of the samples of `name` whose labels include `labels`. */
const sample = (sdk: SdkHarness, name: string, labels: Record<string, string>) => sampleValue(sdk.harness, name, labels);

/** gemini-2.5-flash's built-in row, applied here to plain (uncached) input and output. */
function flashUsd(input: number, output: number): number {
  const row = BUILT_IN_PRICES.find((candidate) => candidate.match.includes('gemini-2.5-flash'))!;
  return (input * row.input + output * row.output) / 1e6;
}

describe("per-consumer spend through the stock openai SDKs with Kong's consumer headers", () => {
  let sdk: SdkHarness;
  beforeEach(async () => {
    sdk = await startSdkHarness('/v1', 'sdk-key', { auth: { trustIngress: true } });
  });
  afterEach(() => sdk.close());

  it('Node: chat, streamed chat, Responses and embeddings all count for the consumer the ingress named', async () => {
    const client = new OpenAI({ apiKey: 'sdk-key', baseURL: sdk.client.baseURL, maxRetries: 0, defaultHeaders: { 'X-Consumer-Username': 'team-node' } });
    const chat = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'node spend: hello' }] });
    const stream = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'node spend: count to five' }],
    });
    let streamed: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) streamed = chunk.usage ?? streamed;
    const answer = await client.responses.create({ model: 'gemini-2.5-flash', input: 'node spend: again' });
    const embeddings = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['node spend'] });

    const sent = sdk.harness.emulator.requests.map((request) => request.path);
    expect(sent).toEqual([
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
    ]);
    // The consumer headers are the ingress's business: Gemini never sees them.
    expect(sdk.harness.emulator.requests.map((request) => request.headers['x-consumer-username'])).toEqual([undefined, undefined, undefined, undefined]);

    const flash = { consumer: 'team-node', gen_ai_request_model: 'gemini-2.5-flash' };
    const input = chat.usage!.prompt_tokens + streamed!.prompt_tokens + answer.usage!.input_tokens;
    const output = chat.usage!.completion_tokens + streamed!.completion_tokens + answer.usage!.output_tokens;
    expect(await sample(sdk, 'gemini_sidecar_consumer_requests_total', flash)).toBe(3);
    expect(await sample(sdk, 'gemini_sidecar_consumer_tokens_total', { ...flash, gen_ai_token_type: 'input' })).toBe(input);
    expect(await sample(sdk, 'gemini_sidecar_consumer_tokens_total', { ...flash, gen_ai_token_type: 'output' })).toBe(output);
    expect(await sample(sdk, 'gemini_sidecar_consumer_cost_usd_total', flash)).toBeCloseTo(flashUsd(input, output), 12);
    expect(await sample(sdk, 'gemini_sidecar_consumer_tokens_total', { consumer: 'team-node', gen_ai_request_model: 'gemini-embedding-001', gen_ai_token_type: 'input' })).toBe(
      embeddings.usage.prompt_tokens,
    );
  });

  it('Python: the openai client with default_headers is billed to the consumer Kong named', async () => {
    const python = pythonClientsPython();
    const { stdout } = await run(python, [PYTHON_SCRIPT, sdk.client.baseURL], { timeout: 120_000 });
    const got = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      chat: { prompt_tokens: number; completion_tokens: number };
      responses: { input_tokens: number; output_tokens: number };
    };
    const bodies = sdk.harness.emulator.requests.map((request) => JSON.stringify(request.body));
    expect(bodies.filter((body) => body.includes('python spend'))).toHaveLength(2);
    const labels = { consumer: 'team-python', gen_ai_request_model: 'gemini-2.5-flash' };
    const input = got.chat.prompt_tokens + got.responses.input_tokens;
    const output = got.chat.completion_tokens + got.responses.output_tokens;
    expect(await sample(sdk, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: 'input' })).toBe(input);
    expect(await sample(sdk, 'gemini_sidecar_consumer_cost_usd_total', labels)).toBeCloseTo(flashUsd(input, output), 12);
  });
});
