import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ReceivedThoughtSignature, RecordedRequest } from '../emulator/gemini-emulator';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { pythonClientsPython } from '../helpers/tool-paths';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, 'clients/python_responses.py');

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<Record<string, unknown> & { text?: string; thoughtSignature?: string; functionCall?: { name: string; args?: Record<string, unknown>; id?: string } }> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  generationConfig?: Record<string, unknown>;
  tools?: Array<{ functionDeclarations?: Array<{ name: string }> }>;
}

interface PythonLine {
  client: string;
  error?: string;
  [field: string]: unknown;
}

let sdk: SdkHarness;
let lines: PythonLine[];
let requests: RecordedRequest[];
let issued: string[];
let received: ReceivedThoughtSignature[];

const line = (client: string): PythonLine => {
  const found = lines.find((candidate) => candidate.client === client);
  if (!found) throw new Error(`python_responses.py printed nothing for ${client}`);
  return found;
};
const bodies = (): GeminiBody[] => requests.map((request) => request.body as GeminiBody);
/** The Gemini requests whose contents mention `marker`, in order. */
const geminiRequestsFor = (marker: string): GeminiBody[] => bodies().filter((body) => JSON.stringify(body.contents).includes(marker));

beforeAll(async () => {
  sdk = await startSdkHarness('/v1', 'py-key');
  const python = pythonClientsPython();
  const output = await run(python, [SCRIPT, sdk.client.baseURL], { timeout: 120_000 }).catch((error: { stdout?: string; stderr?: string; message: string }) => error);
  requests = [...sdk.harness.emulator.requests];
  issued = [...sdk.harness.emulator.thoughtSignatures.issued];
  received = [...sdk.harness.emulator.thoughtSignatures.received];
  lines = (output.stdout ?? '').trim().split('\n').filter(Boolean).map((text) => JSON.parse(text) as PythonLine);
  if (lines.length === 0) throw new Error(`${python} ${SCRIPT} printed nothing: ${'message' in output ? output.message : output.stderr}`);
}, 150_000);
afterAll(() => sdk.close());

const STREAM_ORDER = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
];

/** Event types with runs of deltas collapsed to one, to compare against the expected order. */
const collapsed = (types: string[]): string[] => types.filter((type, index) => type !== 'response.output_text.delta' || types[index - 1] !== type);

describe('the Responses API through the openai Python SDK', () => {
  it('responses.create: instructions to systemInstruction, one message, integer usage', () => {
    const result = line('openai.responses.create');

    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'completed', output_text: 'Echo: python create: hello', output_types: ['message'] });
    expect(result.id).toMatch(/^resp_/);
    expect(result.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    const [gemini] = geminiRequestsFor('python create: hello');
    expect(gemini?.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(gemini?.contents).toEqual([{ role: 'user', parts: [{ text: 'python create: hello' }] }]);
  });

  it('responses.parse(text_format=City): the pydantic model back, its JSON Schema sent to Gemini', () => {
    const result = line('openai.responses.parse');

    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ type: 'City', parsed: { name: 'python parse: a big city', population: 42 } });
    const config = geminiRequestsFor('python parse')[0]?.generationConfig;
    expect(config).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object', required: ['name', 'population'] } });
  });

  it.each([
    ['openai.responses.stream', 'python stream: a short story'],
    ['openai.responses.create(stream=True)', 'python create stream: count to three'],
  ])('%s: events in order, exactly one response.completed, last; the final response holds the streamed text', (client, prompt) => {
    const result = line(client);
    const types = result.types as string[];

    expect(result.error).toBeUndefined();
    expect(collapsed(types)).toEqual(STREAM_ORDER);
    expect(types.filter((type) => type === 'response.completed')).toHaveLength(1);
    expect(result.final_text).toBe(`Echo: ${prompt}`);
    if ('delta_text' in result) expect(result.delta_text).toBe(result.final_text);
    const streamed = requests.filter((request) => JSON.stringify(request.body).includes(prompt));
    expect(streamed.map((request) => request.path)).toEqual(['/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse']);
  });
});

describe('the OpenAI Agents SDK (OpenAIResponsesModel) on Gemini 3: a function tool over two turns', () => {
  // Four Gemini calls: turn one (call, then answer), turn two with turn one's history replayed (call, then answer).
  const agentRequests = (): GeminiBody[] => geminiRequestsFor('agents turn one');

  it('ran the tool once per turn and answered with its result', () => {
    const result = line('agents.Runner.run');

    expect(result.error).toBeUndefined();
    expect(result.tool_calls).toEqual(['agents turn one: Paris', 'agents turn two: Rome']);
    expect(result.final_outputs).toEqual(['Result: {"output":"sunny in agents turn one: Paris"}', 'Result: {"output":"sunny in agents turn two: Rome"}']);
    // The trailing reasoning item carries the signatures; to_input_list() replays it like any other item.
    expect(result.replayed_types).toEqual(['message', 'function_call', 'reasoning', 'function_call_output', 'message', 'reasoning', 'message']);
    expect(agentRequests()).toHaveLength(4);
  });

  it('every model step of the replayed history carries the signature the emulator issued for it, on the same part', () => {
    const [firstCall, firstAnswer, secondCall, secondAnswer] = agentRequests();
    const paris = { functionCall: { name: 'get_weather', args: { city: 'agents turn one: Paris' }, id: expect.any(String) }, thoughtSignature: issued[0] };
    const parisAnswer = { text: 'Result: {"output":"sunny in agents turn one: Paris"}', thoughtSignature: issued[1] };
    const rome = { functionCall: { name: 'get_weather', args: { city: 'agents turn two: Rome' }, id: expect.any(String) }, thoughtSignature: issued[2] };

    expect(issued.length).toBeGreaterThanOrEqual(4);
    expect(firstCall?.systemInstruction).toEqual({ parts: [{ text: 'Answer with the weather tool.' }] });
    expect(firstCall?.contents.map((content) => content.role)).toEqual(['user']);
    expect(firstAnswer?.contents[1]?.parts).toEqual([paris]);
    expect(secondCall?.contents.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(secondCall?.contents[1]?.parts).toEqual([paris]);
    expect(secondCall?.contents[3]?.parts).toEqual([parisAnswer]);
    expect(secondAnswer?.contents.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user', 'model', 'user']);
    expect(secondAnswer?.contents[5]?.parts).toEqual([rome]);
    expect(secondAnswer?.contents[6]?.parts[0]).toMatchObject({ functionResponse: { name: 'get_weather', response: { output: 'sunny in agents turn two: Rome' } } });
    expect(received.filter((signature) => !signature.issued)).toEqual([]);
    expect(JSON.stringify(agentRequests())).not.toContain('skip_thought_signature_validator');
  });
});

describe('the OpenAI Agents SDK with Runner.run_streamed and thought summaries on Gemini 3', () => {
  const streamedRequests = (): GeminiBody[] => geminiRequestsFor('agents streamed one');

  it('ran the tool once per turn, answered from the result, and streamed every Gemini call', () => {
    const result = line('agents.Runner.run_streamed');

    expect(result.error).toBeUndefined();
    expect(result.tool_calls).toEqual(['agents streamed one: Paris', 'agents streamed two: Rome']);
    expect(result.final_outputs).toEqual(['Result: {"output":"sunny in agents streamed one: Paris"}', 'Result: {"output":"sunny in agents streamed two: Rome"}']);
    // The summary item first, the signature carrier last, replayed in that order.
    expect(result.first_items).toEqual(['reasoning_item', 'tool_call_item', 'reasoning_item', 'tool_call_output_item', 'reasoning_item', 'message_output_item', 'reasoning_item']);
    const paths = requests.filter((request) => JSON.stringify(request.body).includes('agents streamed one')).map((request) => request.path);
    expect(paths).toEqual(Array.from({ length: 4 }, () => '/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse'));
  });

  it('the replayed model steps carry issued signatures on their calls and answers, and no thought summaries', () => {
    const last = streamedRequests().at(-1)!;
    const model = last.contents.filter((content) => content.role === 'model');

    expect(last.contents.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user', 'model', 'user']);
    expect(model.map((content) => content.parts.map((part) => Object.keys(part).sort().join('+')))).toEqual([
      ['functionCall+thoughtSignature'],
      ['text+thoughtSignature'],
      ['functionCall+thoughtSignature'],
    ]);
    for (const content of model) expect(issued).toContain(content.parts[0]!.thoughtSignature);
    expect(JSON.stringify(streamedRequests())).not.toContain('Thinking about it');
    expect(JSON.stringify(streamedRequests())).not.toContain('skip_thought_signature_validator');
  });
});
