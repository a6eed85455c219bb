import OpenAI from 'openai';
import { cassetteReplayHeaders, loadCassette } from '../helpers/recorded-fixtures';
import { useSdkHarness } from '../helpers/sdk-harness';
import type { SidecarHarness } from '../helpers/sidecar-harness';

type Message = OpenAI.Chat.ChatCompletionMessageParam;

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    },
  },
];

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<{ functionCall?: { id?: string; name: string }; thoughtSignature?: string; functionResponse?: unknown }> }>;
  tools?: Array<{ functionDeclarations?: Array<{ name: string; parametersJsonSchema?: unknown }> }>;
}

describe('tool calling through the official openai SDK', () => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', {}, (sdk) => ({ harness, client } = sdk));

  it.each(['gemini-2.5-flash', 'gemini-3-flash-preview'])('runs a full tool round trip on %s with the messages echoed back unchanged', async (model) => {
    const messages: Message[] = [{ role: 'user', content: 'Paris' }];
    const first = await client.chat.completions.create({ model, messages, tools, tool_choice: 'auto' });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    const sentTools = (harness.emulator.lastRequest()!.body as GeminiBody).tools;
    expect(sentTools).toEqual([{ functionDeclarations: [expect.objectContaining({ name: 'get_weather', parametersJsonSchema: expect.any(Object) })] }]);

    messages.push(choice.message as Message, { role: 'tool', tool_call_id: call.id, content: '{"temp":"15C"}' });
    const second = await client.chat.completions.create({ model, messages, tools });
    expect(second.choices[0]!.message.content).toContain('15C');
    expect(second.choices[0]!.finish_reason).toBe('stop');

    const body = harness.emulator.lastRequest()!.body as GeminiBody;
    const modelTurn = body.contents.find((content) => content.role === 'model')!;
    const signature = (call as { extra_content?: { google?: { thought_signature?: string } } }).extra_content?.google?.thought_signature;
    if (model.startsWith('gemini-3')) {
      expect(signature).toEqual(expect.any(String));
      expect(modelTurn.parts[0]!.thoughtSignature).toBe(signature);
    } else {
      expect(modelTurn.parts[0]!.thoughtSignature).toBeUndefined();
    }
  });

  it('streams tool calls with index, id and full arguments, finishing with tool_calls', async () => {
    const stream = client.chat.completions.stream({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'Rome' }], tools });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Rome' });
  });

  it('survives a client that drops extra_content: Gemini 3 gets the documented dummy signature', async () => {
    const first = await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'Oslo' }], tools });
    const call = first.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    const stripped: Message = { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: call.function }] };
    const second = await client.chat.completions.create({
      model: 'gemini-3-flash-preview',
      messages: [{ role: 'user', content: 'Oslo' }, stripped, { role: 'tool', tool_call_id: call.id, content: 'cold' }],
      tools,
    });
    expect(second.choices[0]!.message.content).toContain('cold');
    const body = harness.emulator.lastRequest()!.body as GeminiBody;
    expect(body.contents[1]!.parts[0]!.thoughtSignature).toBe('skip_thought_signature_validator');
  });

  it('replays a recorded Gemini 3 tool conversation: the signature goes back byte for byte', async () => {
    const [turn1, turn2] = loadCassette('pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml');
    const recordedSignature = /"thoughtSignature": "([^"]+)"/.exec(turn1!.response.body)![1]!;
    const countryTool: OpenAI.Chat.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_country', description: '', parameters: { type: 'object', properties: {}, additionalProperties: false } } },
    ];
    const messages: Message[] = [{ role: 'user', content: 'What is the capital of the user country? Call the tool' }];

    harness.emulator.enqueue({ kind: 'raw', status: 200, headers: cassetteReplayHeaders(turn1!), body: turn1!.response.body });
    const first = await client.chat.completions.stream({ model: 'gemini-3-pro-preview', messages, tools: countryTool }).finalChatCompletion();
    const assistant = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const call = assistant.tool_calls![0]!;

    messages.push(assistant as Message, { role: 'tool', tool_call_id: call.id, content: '{"return_value":"Mexico"}' });
    harness.emulator.enqueue({ kind: 'raw', status: 200, headers: cassetteReplayHeaders(turn2!), body: turn2!.response.body });
    const second = await client.chat.completions.stream({ model: 'gemini-3-pro-preview', messages, tools: countryTool }).finalChatCompletion();
    expect(second.choices[0]!.message.content).toBe('The capital of Mexico is Mexico City.');

    const sent = harness.emulator.lastRequest()!.body as GeminiBody;
    const recorded = turn2!.request.body as GeminiBody;
    expect(sent.contents.map((content) => content.role)).toEqual(recorded.contents.map((content) => content.role));
    expect(sent.contents[1]!.parts[0]!.functionCall!.name).toBe('get_country');
    expect(sent.contents[1]!.parts[0]!.thoughtSignature).toBe(recordedSignature);
    expect(sent.contents[2]!.parts[0]!.functionResponse).toEqual({ id: call.id, name: 'get_country', response: { return_value: 'Mexico' } });
  });
});
