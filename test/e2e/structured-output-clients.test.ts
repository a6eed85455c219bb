import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { pythonClientsPython } from '../helpers/tool-paths';

const run = promisify(execFile);
const CLIENTS = resolve(__dirname, 'clients');
const ajv = new Ajv2020({ strict: false });

const recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(12),
  vegetarian: z.boolean(),
  course: z.enum(['starter', 'main', 'dessert']),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number() })),
});

interface GeminiBody {
  generationConfig?: { responseMimeType?: string; responseJsonSchema?: Record<string, unknown>; responseSchema?: unknown };
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
  tools?: Array<{ functionDeclarations?: Array<{ name: string; parametersJsonSchema?: Record<string, unknown> }> }>;
  contents: Array<{ parts: Array<{ text?: string }> }>;
}

let sdk: SdkHarness;
let baseURL: string;

beforeAll(async () => {
  sdk = await startSdkHarness('/v1', 'node-key');
  baseURL = sdk.client.baseURL;
});
afterAll(() => sdk.close());
beforeEach(() => sdk.harness.emulator.reset());

/** The Gemini request whose user text contains `marker`. */
function geminiRequestFor(marker: string, requests = sdk.harness.emulator.requests): GeminiBody {
  const found = requests
    .map((request) => request.body as GeminiBody)
    .find((body) => JSON.stringify(body.contents).includes(marker));
  if (!found) throw new Error(`no Gemini request mentions ${JSON.stringify(marker)}`);
  return found;
}

describe('the openai Node SDK', () => {
  it('chat.completions.parse with zodResponseFormat returns the parsed object; Gemini got JSON mode and the JSON Schema', async () => {
    const completion = await sdk.client.chat.completions.parse({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'node parse: lasagna' }],
      response_format: zodResponseFormat(recipe, 'recipe'),
    });
    const parsed = completion.choices[0]?.message.parsed;

    expect(parsed).toEqual({ name: 'node parse: lasagna', servings: 12, vegetarian: true, course: 'starter', ingredients: [{ item: 'node parse: lasagna', grams: 42 }] });
    const config = geminiRequestFor('node parse').generationConfig;
    expect(config?.responseMimeType).toBe('application/json');
    expect(Object.keys(config?.responseJsonSchema?.properties as object)).toEqual(['name', 'servings', 'vegetarian', 'course', 'ingredients']);
    expect(config?.responseJsonSchema).not.toHaveProperty('strict');
  });

  it('chat.completions.parse with a strict zodFunction tool returns parsed_arguments; Gemini was forced to call it', async () => {
    const completion = await sdk.client.chat.completions.parse({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'node tool: save a soup' }],
      tools: [zodFunction({ name: 'save_recipe', parameters: recipe })],
      tool_choice: { type: 'function', function: { name: 'save_recipe' } },
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];

    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.parsed_arguments : undefined).toMatchObject({ name: 'node tool: save a soup', course: 'starter' });
    expect(geminiRequestFor('node tool').toolConfig?.functionCallingConfig).toEqual({ mode: 'ANY', allowedFunctionNames: ['save_recipe'] });
  });
});

describe('the Vercel AI SDK (ai + @ai-sdk/openai, chat model)', () => {
  it('generateObject, streamObject and generateText with Output.object all return schema-valid objects', async () => {
    const { stdout } = await run(process.execPath, [resolve(CLIENTS, 'ai-sdk-structured.mjs'), baseURL, 'gemini-2.5-flash'], { timeout: 60_000 });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { call: string; object: unknown; partials?: number });

    expect(lines.map((line) => line.call)).toEqual(['generateObject', 'streamObject', 'generateText+Output.object']);
    for (const line of lines) expect(recipe.parse(line.object)).toEqual(line.object);
    expect(lines[0]?.object).toMatchObject({ name: 'A lasagna recipe', servings: 12 });
    expect(lines[1]?.partials).toBeGreaterThan(1);
    const schema = geminiRequestFor('A lasagna recipe').generationConfig?.responseJsonSchema;
    expect(schema?.required).toEqual(['name', 'servings', 'vegetarian', 'course', 'ingredients']);
    expect(geminiRequestFor('A soup recipe').generationConfig?.responseMimeType).toBe('application/json');
  });
});

describe('Python clients (openai, LangChain, instructor) from the test venv', () => {
  interface PythonLine {
    client: string;
    object?: Record<string, unknown>;
    error?: string;
  }
  let lines: PythonLine[];
  // Taken right after the run: the emulator's log is reset before each test.
  let requests: typeof sdk.harness.emulator.requests;

  beforeAll(async () => {
    const python = pythonClientsPython();
    const script = resolve(CLIENTS, 'python_structured.py');
    const output = await run(python, [script, baseURL, 'gemini-2.5-flash'], { timeout: 120_000 }).catch((error: { stdout?: string; stderr?: string; message: string }) => error);
    requests = [...sdk.harness.emulator.requests];
    lines = (output.stdout ?? '').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as PythonLine);
    if (lines.length === 0) throw new Error(`${python} ${script} printed nothing: ${'message' in output ? output.message : output.stderr}`);
  }, 150_000);

  const recipeSchema = {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 40 },
      servings: { type: 'integer', minimum: 1, maximum: 12 },
      vegetarian: { type: 'boolean' },
      course: { enum: ['starter', 'main', 'dessert'] },
      ingredients: { type: 'array', items: { type: 'object', required: ['item', 'grams'] } },
      note: { type: ['string', 'null'] },
    },
    required: ['name', 'servings', 'vegetarian', 'course', 'ingredients', 'note'],
  };

  it.each([
    'openai.parse',
    'langchain.json_schema',
    'langchain.function_calling',
    'langchain.json_mode',
    'instructor.TOOLS',
    'instructor.JSON',
    'instructor.JSON_SCHEMA',
    'instructor.MD_JSON',
  ])('%s returns a valid pydantic Recipe', (client) => {
    const line = lines.find((candidate) => candidate.client === client);

    expect(line?.error).toBeUndefined();
    expect(ajv.validate(recipeSchema, line?.object)).toBe(true);
  });

  it('each client reached Gemini the way it asked: JSON Schema, forced function, or JSON mode with the schema in the prompt', () => {
    const parse = geminiRequestFor('openai parse', requests);
    expect(parse.generationConfig?.responseMimeType).toBe('application/json');
    expect(parse.generationConfig?.responseJsonSchema).toMatchObject({ required: recipeSchema.required, $defs: { Ingredient: { type: 'object' } } });

    const calling = geminiRequestFor('langchain function_calling', requests);
    expect(calling.toolConfig?.functionCallingConfig).toEqual({ mode: 'ANY', allowedFunctionNames: ['Recipe'] });
    expect(calling.tools?.[0]?.functionDeclarations?.[0]?.name).toBe('Recipe');

    const jsonMode = geminiRequestFor('langchain json_mode', requests);
    expect(jsonMode.generationConfig).toEqual({ responseMimeType: 'application/json' });

    expect(geminiRequestFor('instructor tool_call', requests).toolConfig?.functionCallingConfig?.mode).toBe('ANY');
    expect(geminiRequestFor('instructor markdown_json_mode', requests).generationConfig?.responseMimeType).toBeUndefined();
  });
});
