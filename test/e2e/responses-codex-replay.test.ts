import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';

// A Codex CLI session as Codex drives the Responses API (openai/codex codex-rs: core/client.rs, api/sse/responses.rs,
// protocol/models.rs): store false, encrypted reasoning included, the full history on every request, built only from
// `response.output_item.done` items, which Codex re-serialises without ids or status.

type Item = Record<string, unknown> & { type: string };

interface SseEvent {
  event: string | undefined;
  data: Record<string, unknown> & { type: string };
}

interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
}

interface GeminiBody {
  contents: Array<{ role: string; parts: GeminiPart[] }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  toolConfig?: { functionCallingConfig?: Record<string, unknown> };
  generationConfig?: { thinkingConfig?: Record<string, unknown> };
}

const MODEL = 'gemini-3-flash-preview';
const INSTRUCTIONS = 'You are Codex, a coding agent.';
const PROMPT = 'codex: what does this repository do?';

const codexTool = (name: string, property: string, description: string) => ({
  type: 'function',
  name,
  description,
  strict: false,
  parameters: { type: 'object', properties: { [property]: { type: 'string' } }, required: [property], additionalProperties: false },
});
const TOOLS = [codexTool('shell', 'command', 'Runs a shell command'), codexTool('read_file', 'path', 'Reads a file')];

/** One `data:` frame per event; Codex reads `event:` and `data:` lines (eventsource_stream). */
function parseSse(text: string): SseEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split(/\r?\n/);
      const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
      return { event, data: JSON.parse(data) as SseEvent['data'] };
    });
}

/** What Codex keeps of an `output_item.done` item and sends back: ResponseItem's fields, `id` skip_serializing. */
function codexReplay(item: Item): Item {
  switch (item.type) {
    case 'message':
      return { type: 'message', role: item.role, content: (item.content as Array<{ type: string; text?: string }>).map((part) => ({ type: part.type, text: part.text })) };
    case 'reasoning':
      // content: None is serialised as null; encrypted_content is whatever the server sent (null when absent).
      return { type: 'reasoning', summary: item.summary, content: null, encrypted_content: item.encrypted_content ?? null };
    case 'function_call':
      return { type: 'function_call', name: item.name, arguments: item.arguments, call_id: item.call_id };
    default:
      throw new Error(`Codex would not replay a ${item.type} item here`);
  }
}

describe('a Codex-style session on Gemini 3: store false, encrypted reasoning, the full history every turn', () => {
  let sdk: SdkHarness;
  const history: Item[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: PROMPT }] }];
  const turns: Array<{ status: number; contentType: string | null; storeHeader: string | null; events: SseEvent[]; done: Item[] }> = [];
  let geminiBodies: GeminiBody[];
  let issued: string[];
  let received: Array<{ issued: boolean; signature: string }>;

  /** One Codex sampling request: POST /v1/responses with the whole history, stream read to its end. */
  async function sample(): Promise<Item[]> {
    const response = await fetch(`${sdk.client.baseURL}/responses`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer codex-key',
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'OpenAI-Beta': 'responses=experimental',
        conversation_id: 'conv-1',
        session_id: 'conv-1',
        originator: 'codex_cli_rs',
      },
      body: JSON.stringify({
        model: MODEL,
        instructions: INSTRUCTIONS,
        input: history,
        tools: TOOLS,
        tool_choice: 'auto',
        parallel_tool_calls: false,
        reasoning: { effort: 'medium', summary: 'auto' },
        store: false,
        stream: true,
        include: ['reasoning.encrypted_content'],
        prompt_cache_key: 'conv-1',
      }),
    });
    const events = parseSse(await response.text());
    const done = events.filter((event) => event.data.type === 'response.output_item.done').map((event) => event.data.item as Item);
    turns.push({ status: response.status, contentType: response.headers.get('content-type'), storeHeader: response.headers.get('x-sidecar-response-store'), events, done });
    history.push(...done.map(codexReplay));
    return done;
  }

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1', 'codex-key');
    const emulator = sdk.harness.emulator;

    // Turn 1 (the emulator's default on a user prompt): Gemini 3 calls `shell` and signs the call.
    const first = await sample();
    const shell = first.find((item) => item.type === 'function_call')!;
    history.push({ type: 'function_call_output', call_id: shell.call_id, output: 'README.md\npackage.json' });

    // Turn 2: Gemini, still in the same user turn, says a few words and calls `read_file` (scripted: the default
    // answers a tool result with text); Gemini 3 signs the first call of every step.
    const readSignature = emulator.thoughtSignatures.issue();
    emulator.enqueue({
      kind: 'sse',
      chunks: [
        { candidates: [{ content: { role: 'model', parts: [{ text: 'Reading the README.' }] }, index: 0 }], modelVersion: MODEL, responseId: 'r2' },
        {
          candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'read_file', args: { path: 'README.md' }, id: 'rdfl0002' }, thoughtSignature: readSignature }] }, index: 0 }],
          modelVersion: MODEL,
          responseId: 'r2',
        },
        {
          candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, totalTokenCount: 52 },
          modelVersion: MODEL,
          responseId: 'r2',
        },
      ],
    });
    const second = await sample();
    const read = second.find((item) => item.type === 'function_call')!;
    history.push({ type: 'function_call_output', call_id: read.call_id, output: 'An OpenAI API in front of Gemini.' });

    // Turn 3 (default): Gemini answers from both results.
    await sample();
    geminiBodies = emulator.requests.map((request) => request.body as GeminiBody);
    issued = [...emulator.thoughtSignatures.issued];
    received = emulator.thoughtSignatures.received.map(({ issued: wasIssued, signature }) => ({ issued: wasIssued, signature }));
  });
  afterAll(() => sdk.close());

  it('every stream is SSE and ends with exactly one response.completed, last, with an id and integer usage', () => {
    expect(turns).toHaveLength(3);
    for (const turn of turns) {
      const types = turn.events.map((event) => event.data.type);
      expect(turn.status).toBe(200);
      expect(turn.contentType).toMatch(/^text\/event-stream/);
      expect(types[0]).toBe('response.created');
      expect(types.filter((type) => type === 'response.completed')).toHaveLength(1);
      expect(types.at(-1)).toBe('response.completed');
      expect(types).not.toEqual(expect.arrayContaining(['error', 'response.failed', 'response.incomplete']));
      expect(turn.events.map((event) => event.event ?? event.data.type)).toEqual(types);
      expect(turn.events.map((event) => event.data.sequence_number)).toEqual(types.map((_, index) => index));
      const completed = turn.events.at(-1)!.data.response as { id: string; store: boolean; usage: Record<string, unknown>; output: Item[] };
      expect(completed.id).toMatch(/^resp_/);
      expect(completed.store).toBe(false);
      for (const field of ['input_tokens', 'output_tokens', 'total_tokens']) expect(Number.isInteger(completed.usage[field])).toBe(true);
      // Codex builds history from output_item.done; the terminal snapshot must say the same thing.
      expect(completed.output).toEqual(turn.done);
      // store: false asked for explicitly: no store notice.
      expect(turn.storeHeader).toBeNull();
    }
  });

  it('each answer ends with the reasoning item that carries its signatures; the summary item carries none', () => {
    expect(turns.map((turn) => turn.done.map((item) => item.type))).toEqual([
      ['reasoning', 'function_call', 'reasoning'],
      ['message', 'function_call', 'reasoning'],
      ['reasoning', 'message', 'reasoning'],
    ]);
    expect(turns[0]!.done[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Thinking about it' }] });
    expect(turns[0]!.done[0]).not.toHaveProperty('encrypted_content');
    for (const turn of turns) expect(turn.done.at(-1)).toMatchObject({ summary: [], encrypted_content: expect.stringMatching(/^gemini-thought-signatures\.v1:/) });
  });

  it('the signatures come back on the exact parts Gemini signed, for every model step of the turn', () => {
    const [shellSignature, readSignature, answerSignature] = issued;
    const shell = turns[0]!.done[1]!;
    const read = turns[1]!.done[1]!;
    const shellPart = { functionCall: { name: 'shell', args: { command: PROMPT }, id: shell.call_id }, thoughtSignature: shellSignature };
    const readParts = [{ text: 'Reading the README.' }, { functionCall: { name: 'read_file', args: { path: 'README.md' }, id: read.call_id }, thoughtSignature: readSignature }];

    expect(issued).toHaveLength(3);
    expect(shell.call_id).not.toBe(read.call_id);
    expect(geminiBodies).toHaveLength(3);
    expect(geminiBodies[1]!.contents).toEqual([
      { role: 'user', parts: [{ text: PROMPT }] },
      { role: 'model', parts: [shellPart] },
      { role: 'user', parts: [{ functionResponse: { name: 'shell', id: shell.call_id, response: expect.any(Object) } }] },
    ]);
    expect(geminiBodies[2]!.contents.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(geminiBodies[2]!.contents[1]!.parts).toEqual([shellPart]);
    expect(geminiBodies[2]!.contents[3]!.parts).toEqual(readParts);
    expect(geminiBodies[2]!.contents[4]!.parts).toEqual([{ functionResponse: { name: 'read_file', id: read.call_id, response: expect.any(Object) } }]);
    expect(received).toEqual([
      { issued: true, signature: shellSignature },
      { issued: true, signature: shellSignature },
      { issued: true, signature: readSignature },
    ]);
    expect(answerSignature).toBeDefined();
    expect(JSON.stringify(geminiBodies)).not.toContain('skip_thought_signature_validator');
  });

  it('every request reached Gemini as Codex asked: instructions, auto calling, thoughts summarised', () => {
    for (const body of geminiBodies) {
      expect(body.systemInstruction).toEqual({ parts: [{ text: INSTRUCTIONS }] });
      expect(body.toolConfig?.functionCallingConfig).toMatchObject({ mode: 'AUTO' });
      expect(body.generationConfig?.thinkingConfig).toMatchObject({ includeThoughts: true });
    }
    expect(turns[2]!.done[1]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: expect.stringMatching(/^Result: /) }] });
  });
});
