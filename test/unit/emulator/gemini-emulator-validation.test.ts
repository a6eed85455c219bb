import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { generate, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const FLASH = 'gemini-2.5-flash';
const GEMINI_3 = 'gemini-3-flash-preview';
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNwav0CAALIAbyWt4nEAAAAAElFTkSuQmCC';

function withParts(...parts: Array<Record<string, unknown>>): Record<string, unknown> {
  return { contents: [{ role: 'user', parts }] };
}

function withTools(tools: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return userBody('hi', { tools, ...extra });
}

const weather = { name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('default validation rejects what Google rejects', () => {
  it.each([
    {
      name: 'inlineData that is not base64',
      model: FLASH,
      body: withParts({ text: 'look' }, { inlineData: { mimeType: 'image/png', data: 'data:image/png;base64,AAAA' } }),
      message: /^Invalid value at 'contents\[0\]\.parts\[1\]\.inline_data\.data' \(TYPE_BYTES\), Base64 decoding failed for "data:image/,
    },
    {
      name: 'inlineData mixing both base64 alphabets',
      model: FLASH,
      body: withParts({ inline_data: { mime_type: 'image/png', data: 'ab+_' } }),
      message: /Base64 decoding failed/,
    },
    {
      name: 'a part with two data fields',
      model: FLASH,
      body: withParts({ text: 'a', inlineData: { mimeType: 'image/png', data: PNG_1X1 } }),
      message: /^Invalid value at 'contents\[0\]\.parts\[0\]' \(oneof\), oneof field 'data' is already set\. Cannot set 'inlineData'$/,
    },
    {
      name: 'an unknown part field',
      model: FLASH,
      body: withParts({ text: 'a', cache_control: { type: 'ephemeral' } }),
      message: /^Invalid JSON payload received\. Unknown name "cache_control" at 'contents\[0\]\.parts\[0\]': Cannot find field\.$/,
    },
    {
      name: 'fileData without fileUri',
      model: FLASH,
      body: withParts({ fileData: { mimeType: 'application/pdf' } }),
      message: /contents\[0\]\.parts\[0\]\.file_data\.file_uri: file_uri is not specified/,
    },
    {
      name: 'functionResponse without name',
      model: FLASH,
      body: withParts({ functionResponse: { response: { ok: true } } }),
      message: /^\* GenerateContentRequest\.contents\[0\]\.parts\[0\]\.function_response\.name: Name cannot be empty\.\n$/,
    },
    {
      name: 'functionResponse without response',
      model: FLASH,
      body: withParts({ functionResponse: { name: 'f' } }),
      message: /function_response\.response: response is not specified/,
    },
    {
      name: 'functionResponse whose response is a string',
      model: FLASH,
      body: withParts({ functionResponse: { name: 'f', response: 'sunny' } }),
      message: /^Invalid value at 'contents\[0\]\.parts\[0\]\.function_response\.response' \(type\.googleapis\.com\/google\.protobuf\.Struct\), "sunny"$/,
    },
    {
      name: 'functionResponse parts with bad base64',
      model: FLASH,
      body: withParts({ functionResponse: { name: 'f', response: {}, parts: [{ inlineData: { mimeType: 'image/png', data: '%%%' } }] } }),
      message: /function_response\.parts\[0\]\.inline_data\.data' \(TYPE_BYTES\), Base64 decoding failed/,
    },
    {
      name: 'an invalid function name',
      model: FLASH,
      body: withTools([{ functionDeclarations: [{ name: '1st-tool' }] }]),
      message: /^\* GenerateContentRequest\.tools\[0\]\.function_declarations\[0\]\.name: Invalid function name\. Must start with a letter or an underscore/,
    },
    {
      name: 'a function name longer than 128',
      model: FLASH,
      body: withTools([{ functionDeclarations: [{ name: `f${'x'.repeat(128)}` }] }]),
      message: /Invalid function name/,
    },
    {
      name: 'parameters and parametersJsonSchema together',
      model: FLASH,
      body: withTools([{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT' }, parametersJsonSchema: { type: 'object' } }] }]),
      message: /parameters and parameters_json_schema cannot both be set/,
    },
    {
      name: 'an unknown tool',
      model: FLASH,
      body: withTools([{ webSearch: {} }]),
      message: /^Invalid JSON payload received\. Unknown name "webSearch" at 'tools\[0\]': Cannot find field\.$/,
    },
    {
      name: 'an unknown function calling mode',
      model: FLASH,
      body: withTools([{ functionDeclarations: [weather] }], { toolConfig: { functionCallingConfig: { mode: 'REQUIRED' } } }),
      message: /^Invalid value at 'tool_config\.function_calling_config\.mode'/,
    },
    {
      name: 'allowedFunctionNames with mode AUTO',
      model: FLASH,
      body: withTools([{ functionDeclarations: [weather] }], { toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['get_weather'] } } }),
      message: /allowed_function_names can only be set when the mode is ANY or VALIDATED/,
    },
    {
      name: 'allowedFunctionNames naming an undeclared function',
      model: FLASH,
      body: withTools([{ functionDeclarations: [weather] }], { toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } }),
      message: /function "get_time" is not declared in tools/,
    },
    {
      name: 'forced function calling with JSON output',
      model: FLASH,
      body: withTools([{ functionDeclarations: [weather] }], {
        toolConfig: { functionCallingConfig: { mode: 'ANY' } },
        generationConfig: { responseMimeType: 'application/json' },
      }),
      message: /^Forced function calling \(ANY mode\) with a response mime type: 'application\/json' is unsupported$/,
    },
    {
      name: 'thinkingBudget and thinkingLevel together',
      model: GEMINI_3,
      body: userBody('hi', { generationConfig: { thinkingConfig: { thinkingBudget: 128, thinkingLevel: 'LOW' } } }),
      message: /^You can only set only one of thinking budget and thinking level\.$/,
    },
    {
      name: 'thinkingLevel on Gemini 2.5',
      model: FLASH,
      body: userBody('hi', { generationConfig: { thinkingConfig: { thinkingLevel: 'LOW' } } }),
      message: /^Thinking level is not supported for this model\.$/,
    },
    {
      name: 'thinkingLevel MINIMAL on Gemini 3 Pro',
      model: 'gemini-3-pro-preview',
      body: userBody('hi', { generationConfig: { thinkingConfig: { thinkingLevel: 'MINIMAL' } } }),
      message: /^Thinking level MINIMAL is not supported for this model\. Please retry with other thinking level\.$/,
    },
    {
      name: 'an unknown thinkingLevel',
      model: GEMINI_3,
      body: userBody('hi', { generationConfig: { thinkingConfig: { thinkingLevel: 'EXTREME' } } }),
      message: /^Invalid value at 'generation_config\.thinking_config\.thinking_level'/,
    },
    {
      name: 'responseSchema and responseJsonSchema together',
      model: FLASH,
      body: userBody('hi', { generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT' }, responseJsonSchema: { type: 'object' } } }),
      message: /response_schema and response_json_schema cannot both be set/,
    },
    {
      name: 'an unknown response modality',
      model: FLASH,
      body: userBody('hi', { generationConfig: { responseModalities: ['TEXT', 'VIDEO'] } }),
      message: /^Invalid value at 'generation_config\.response_modalities\[1\]'.*"VIDEO"$/,
    },
    {
      name: 'IMAGE output from a text model',
      model: FLASH,
      body: userBody('hi', { generationConfig: { responseModalities: ['TEXT', 'IMAGE'] } }),
      message: /^Model does not support the requested response modalities: image$/,
    },
    {
      name: 'an unsupported aspect ratio',
      model: 'gemini-2.5-flash-image',
      body: userBody('hi', { generationConfig: { imageConfig: { aspectRatio: '7:3' } } }),
      message: /aspect_ratio must be one of '1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', or '21:9'\./,
    },
    {
      name: 'logprobs above 20',
      model: FLASH,
      body: userBody('hi', { generationConfig: { responseLogprobs: true, logprobs: 21 } }),
      message: /generation_config\.logprobs: logprobs must be in the range \[0, 20\]/,
    },
  ])('400 for $name', async ({ model, body, message }) => {
    const response = await generate(emulator, model, body);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(response.json.error?.message).toMatch(message);
  });

  it('names the failing field in a google.rpc.BadRequest detail for bad base64', async () => {
    const response = await generate(emulator, FLASH, withParts({ inlineData: { mimeType: 'image/png', data: 'not base64!' } }));
    expect(response.json.error?.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'contents[0].parts[0].inline_data.data', description: expect.stringMatching(/Base64 decoding failed/) }],
      },
    ]);
  });
});

describe('default validation accepts what Google accepts', () => {
  it.each([
    { name: 'standard base64 with padding', model: FLASH, body: withParts({ text: 'a' }, { inlineData: { mimeType: 'image/png', data: PNG_1X1 } }) },
    { name: 'URL-safe base64 without padding', model: FLASH, body: withParts({ text: 'a' }, { inlineData: { mimeType: 'application/octet-stream', data: 'a-_b' } }) },
    { name: 'snake_case parts', model: FLASH, body: withParts({ text: 'a' }, { inline_data: { mime_type: 'image/png', data: PNG_1X1 }, media_resolution: { level: 'MEDIA_RESOLUTION_LOW' } }) },
    { name: 'fileData with its optional mimeType left out', model: FLASH, body: withParts({ text: 'a' }, { fileData: { fileUri: 'https://example.com/a.pdf' } }) },
    { name: 'video metadata and media resolution siblings', model: GEMINI_3, body: withParts({ text: 'a' }, { fileData: { fileUri: 'gs://b/v.mp4', mimeType: 'video/mp4' }, videoMetadata: { startOffset: '1s' }, mediaResolution: { level: 'MEDIA_RESOLUTION_HIGH' } }) },
    { name: 'executableCode and codeExecutionResult history', model: FLASH, body: { contents: [{ role: 'user', parts: [{ text: 'run' }] }, { role: 'model', parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }, { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1' } }] }, { role: 'user', parts: [{ text: 'thanks' }] }] } },
    { name: 'every built-in tool', model: FLASH, body: withTools([{ googleSearch: {} }, { codeExecution: {} }, { url_context: {} }]) },
    { name: 'names with dots, colons and dashes', model: FLASH, body: withTools([{ functionDeclarations: [{ name: 'mcp:files.read-all' }] }]) },
    { name: 'snake_case tools and tool config', model: FLASH, body: withTools([{ function_declarations: [{ name: 'f', parameters_json_schema: { type: 'object' } }] }], { tool_config: { function_calling_config: { mode: 'VALIDATED', allowed_function_names: ['f'] } } }) },
    { name: 'thinkingBudget on Gemini 3', model: GEMINI_3, body: userBody('hi', { generationConfig: { thinkingConfig: { thinkingBudget: 1024 } } }) },
    { name: 'thinkingLevel MINIMAL on Gemini 3 Flash', model: GEMINI_3, body: userBody('hi', { generationConfig: { thinkingConfig: { thinkingLevel: 'MINIMAL' } } }) },
    { name: 'responseLogprobs on Gemini 3', model: GEMINI_3, body: userBody('hi', { generationConfig: { responseLogprobs: true, logprobs: 20 } }) },
    { name: 'IMAGE output from an image model', model: 'gemini-3-pro-image-preview', body: userBody('hi', { generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '21:9' } } }) },
  ])('200 for $name', async ({ model, body }) => {
    const response = await generate(emulator, model, body);
    expect(response.json.error).toBeUndefined();
    expect(response.status).toBe(200);
  });
});
