import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { generate, partsOf, stream, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

// An independent validator judges the emulator's values, so a generator bug cannot grade its own work.
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

function textOf(json: { candidates?: Array<{ content: { parts?: Array<{ text?: string }> } }> }): string {
  return (json.candidates?.[0]?.content.parts ?? []).map((part) => part.text ?? '').join('');
}

const person = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 12 },
    age: { type: 'integer', minimum: 50, maximum: 60 },
    score: { type: 'number', exclusiveMaximum: 10 },
    email: { type: 'string', format: 'email' },
    born: { type: 'string', format: 'date' },
    role: { type: 'string', enum: ['admin', 'user'] },
    kind: { const: 'person' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
    nickname: { anyOf: [{ type: 'null' }, { type: 'string' }] },
    address: { $ref: '#/$defs/Address' },
    friends: { type: 'array', items: { $ref: '#/$defs/Friend' } },
    active: { type: 'boolean' },
  },
  required: ['name', 'age', 'score', 'email', 'born', 'role', 'kind', 'tags', 'nickname', 'address', 'friends', 'active'],
  additionalProperties: false,
  $defs: {
    Address: { type: 'object', properties: { street: { type: 'string' }, zip: { type: ['string', 'null'] } }, required: ['street', 'zip'] },
    // Recursive: the emulator must stop nesting somewhere and still conform.
    Friend: { type: 'object', properties: { name: { type: 'string' }, friends: { type: 'array', items: { $ref: '#/$defs/Friend' } } }, required: ['name', 'friends'] },
  },
};

describe('structured output', () => {
  it('answers responseJsonSchema with JSON that the schema accepts, deterministically', async () => {
    const body = userBody('Extract Ada Lovelace', { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: person } });
    const first = await generate(emulator, 'gemini-2.5-flash', body);
    const second = await generate(emulator, 'gemini-2.5-flash', body);

    expect(first.status).toBe(200);
    const value = JSON.parse(textOf(first.json)) as Record<string, unknown>;
    expect(ajv.validate(person, value)).toBe(true);
    expect(ajv.errors ?? []).toEqual([]);
    expect(value).toMatchObject({ name: 'Extract Ada ', age: 50, role: 'admin', kind: 'person' });
    expect(textOf(second.json)).toBe(textOf(first.json));
  });

  it('answers the OpenAPI responseSchema (upper-case types, nullable, propertyOrdering) with conforming JSON', async () => {
    const schema = {
      type: 'OBJECT',
      properties: {
        title: { type: 'STRING' },
        pages: { type: 'INTEGER' },
        chapters: { type: 'ARRAY', items: { type: 'OBJECT', properties: { heading: { type: 'STRING' } }, required: ['heading'] } },
        genre: { type: 'STRING', enum: ['novel', 'poem'] },
        note: { type: 'STRING', nullable: true },
      },
      required: ['title', 'pages', 'chapters', 'genre'],
      propertyOrdering: ['pages', 'title', 'chapters', 'genre', 'note'],
    };
    const { json } = await generate(emulator, 'gemini-2.5-flash', userBody('A book', { generationConfig: { responseMimeType: 'application/json', responseSchema: schema } }));

    const text = textOf(json);
    expect(JSON.parse(text)).toEqual({ pages: 42, title: 'A book', chapters: [{ heading: 'A book' }], genre: 'novel', note: 'A book' });
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['pages', 'title', 'chapters', 'genre', 'note']);
  });

  it('JSON mode without a schema answers a JSON object, or follows a JSON Schema written in the prompt', async () => {
    const plain = await generate(emulator, 'gemini-2.5-flash', userBody('hello', { generationConfig: { responseMimeType: 'application/json' } }));
    expect(JSON.parse(textOf(plain.json))).toEqual({ text: 'hello' });

    const prompted = {
      systemInstruction: { parts: [{ text: `Answer as JSON matching this schema:\n${JSON.stringify(person)}\nReturn an instance, not the schema.` }] },
      generationConfig: { responseMimeType: 'application/json' },
    };
    const followed = await generate(emulator, 'gemini-2.5-flash', userBody('Ada', prompted));
    expect(ajv.validate(person, JSON.parse(textOf(followed.json)))).toBe(true);
  });

  it('streams the same JSON in pieces that concatenate to valid JSON', async () => {
    const body = userBody('Stream Ada', { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: person } });
    const { chunks } = await stream(emulator, 'gemini-2.5-flash', body);
    const text = chunks.flatMap((chunk) => partsOf(chunk)).map((part) => part.text ?? '').join('');

    expect(chunks.length).toBeGreaterThan(1);
    expect(ajv.validate(person, JSON.parse(text))).toBe(true);
  });

  it('gives every candidate the same conforming JSON', async () => {
    const config = { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }, candidateCount: 2 };
    const { json } = await generate(emulator, 'gemini-2.5-flash', userBody('x', { generationConfig: config }));

    expect(json.candidates?.map((candidate) => JSON.parse(candidate.content.parts?.[0]?.text ?? '') as unknown)).toEqual([{ ok: true }, { ok: true }]);
  });

  it('answers text/x.enum with the first enum value as plain text', async () => {
    const config = { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['positive', 'negative'] } };
    const { json } = await generate(emulator, 'gemini-2.5-flash', userBody('Great!', { generationConfig: config }));

    expect(textOf(json)).toBe('positive');
  });
});

describe('model names', () => {
  it.each(['gemini-2.5-flsh', 'gemini-9-ultra', 'gemini-2.0-flash'])('answers %s with Google 404 NOT_FOUND, like Gemini', async (model) => {
    const { status, json } = await generate(emulator, model, userBody('hi'));

    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect(json.error?.message).toBe(
      `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    );
  });

  it('answers 404 for a listed model asked for a method it does not serve', async () => {
    const { status } = await generate(emulator, 'gemini-embedding-001', userBody('hi'));

    expect(status).toBe(404);
  });
});

describe('toolConfig', () => {
  const lookup = {
    name: 'lookup',
    parametersJsonSchema: {
      type: 'object',
      properties: { query: { type: 'string' }, filters: { type: 'object', properties: { year: { type: 'integer' } }, required: ['year'] }, limit: { type: 'integer', maximum: 5 } },
      required: ['query', 'filters', 'limit'],
    },
  };
  const note = { name: 'note', parametersJsonSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } };
  const tools = [{ functionDeclarations: [lookup, note] }];

  it('mode ANY with one allowed name calls that function with arguments its schema accepts', async () => {
    const toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['note'] } };
    const { json } = await generate(emulator, 'gemini-2.5-flash', userBody('remember milk', { tools, toolConfig }));

    expect(partsOf(json)).toEqual([{ functionCall: { name: 'note', args: { text: 'remember milk' } } }]);
  });

  it('nested argument objects conform to the declared schema', async () => {
    const { json } = await generate(emulator, 'gemini-2.5-flash', userBody('find', { tools }));
    const call = partsOf(json)[0]?.functionCall;

    expect(call?.name).toBe('lookup');
    expect(ajv.validate(lookup.parametersJsonSchema, call?.args)).toBe(true);
    expect(call?.args).toEqual({ query: 'find', filters: { year: 42 }, limit: 5 });
  });

  it('mode ANY keeps calling after a function result, where AUTO answers the result in text', async () => {
    const contents = [
      { role: 'user', parts: [{ text: 'remember milk' }] },
      { role: 'model', parts: [{ functionCall: { name: 'note', args: { text: 'milk' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'note', response: { saved: true } } }] },
    ];
    const forced = await generate(emulator, 'gemini-2.5-flash', { contents, tools, toolConfig: { functionCallingConfig: { mode: 'ANY' } } });
    const auto = await generate(emulator, 'gemini-2.5-flash', { contents, tools });

    expect(partsOf(forced.json)[0]?.functionCall?.name).toBe('lookup');
    expect(textOf(auto.json)).toBe('Result: {"saved":true}');
  });

  it('mode NONE answers in text although functions are declared', async () => {
    const { json } = await generate(emulator, 'gemini-2.5-flash', userBody('hi', { tools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } }));

    expect(textOf(json)).toBe('Echo: hi');
  });
});

describe('markdown JSON', () => {
  it('answers a ```json block following the prompt schema when the prompt asks for one (instructor MD_JSON)', async () => {
    const system = `Match this schema:\n${JSON.stringify(person)}`;
    const body = userBody('Ada\n\nReturn the correct JSON response within a ```json codeblock.', { systemInstruction: { parts: [{ text: system }] } });
    const { json } = await generate(emulator, 'gemini-2.5-flash', body);
    const match = /^```json\n(.*)\n```$/s.exec(textOf(json));

    expect(match).not.toBeNull();
    const value = JSON.parse(match?.[1] ?? '') as { name: string };
    expect(ajv.validate(person, value)).toBe(true);
    expect(value.name).toBe('Ada');
  });
});

describe('$ref with siblings', () => {
  it('answers 400 like Gemini when a $ref node carries fields other than $-keywords, description and default', async () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/$defs/A', title: 'A thing' } }, $defs: { A: { type: 'string' } } };
    const bad = await generate(emulator, 'gemini-2.5-flash', userBody('x', { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } }));
    const fine = { ...schema, properties: { a: { $ref: '#/$defs/A', description: 'kept' } } };
    const good = await generate(emulator, 'gemini-2.5-flash', userBody('x', { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: fine } }));

    expect(bad.status).toBe(400);
    expect(bad.json.error?.message).toMatch(/^Schema\.ref 'A' was set alongside unsupported fields/);
    expect(good.status).toBe(200);
  });
});
