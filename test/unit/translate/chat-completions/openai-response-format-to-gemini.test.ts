import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import {
  openaiResponseFormatToGemini,
  type ResponseFormatConfig,
} from '@sidecar/translate/chat-completions/openai-response-format-to-gemini';

/** Freezes a value and everything below it, so any mutation by the code under test throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** The error a call throws; fails the test when it does not throw. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

type Dialect = 'json-schema' | 'openapi';

const JSON_MODE = { responseMimeType: 'application/json' };

/** pydantic v2 output for a `Recipe` with a nested `Ingredient` list, an Optional field and `extra='forbid'`. */
const PYDANTIC_RECIPE = {
  $defs: {
    Ingredient: {
      additionalProperties: false,
      properties: { name: { title: 'Name', type: 'string' }, grams: { anyOf: [{ type: 'number' }, { type: 'null' }], default: null, title: 'Grams' } },
      required: ['name'],
      title: 'Ingredient',
      type: 'object',
    },
  },
  additionalProperties: false,
  properties: {
    title: { title: 'Title', type: 'string' },
    ingredients: { items: { $ref: '#/$defs/Ingredient' }, title: 'Ingredients', type: 'array' },
    minutes: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, description: 'Total time', title: 'Minutes' },
  },
  required: ['title', 'ingredients'],
  title: 'Recipe',
  type: 'object',
};
const PYDANTIC_RECIPE_OPENAPI = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    ingredients: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, grams: { type: 'number', nullable: true } },
        required: ['name'],
        propertyOrdering: ['name', 'grams'],
      },
    },
    minutes: { type: 'integer', description: 'Total time', nullable: true },
  },
  required: ['title', 'ingredients'],
  propertyOrdering: ['title', 'ingredients', 'minutes'],
};

/** A `json_schema` response format around `schema`, the way the OpenAI SDKs send it. */
function jsonSchemaFormat(schema: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema, ...extra } };
}

const recursive = { type: 'object', properties: { root: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } } };
const sentiment = { type: 'string', enum: ['positive', 'negative'] };

describe('openaiResponseFormatToGemini', () => {
  const cases: Array<{ name: string; responseFormat: unknown; dialect?: Dialect; expected: ResponseFormatConfig }> = [
    { name: 'sets nothing without a response_format', responseFormat: undefined, expected: {} },
    { name: 'sets nothing for a null response_format', responseFormat: null, expected: {} },
    { name: 'sets nothing for type "text"', responseFormat: { type: 'text' }, expected: {} },
    { name: 'turns json_object into JSON mode', responseFormat: { type: 'json_object' }, expected: JSON_MODE },
    { name: 'turns a json_schema without schema into JSON mode', responseFormat: { type: 'json_schema', json_schema: { name: 'x' } }, expected: JSON_MODE },
    {
      name: 'sends a pydantic schema as responseJsonSchema to json-schema models',
      responseFormat: jsonSchemaFormat(PYDANTIC_RECIPE),
      expected: { ...JSON_MODE, responseJsonSchema: PYDANTIC_RECIPE },
    },
    {
      name: 'down-converts a pydantic schema into responseSchema for openapi models',
      responseFormat: jsonSchemaFormat(PYDANTIC_RECIPE),
      dialect: 'openapi',
      expected: { ...JSON_MODE, responseSchema: PYDANTIC_RECIPE_OPENAPI },
    },
    {
      name: 'removes the root $schema and strict from responseJsonSchema',
      responseFormat: jsonSchemaFormat({ $schema: 'https://json-schema.org/draft/2020-12/schema', strict: true, ...PYDANTIC_RECIPE }),
      expected: { ...JSON_MODE, responseJsonSchema: PYDANTIC_RECIPE },
    },
    {
      name: 'ignores name, description and strict of json_schema',
      responseFormat: jsonSchemaFormat(sentiment, { description: 'Sentiment', strict: false }),
      expected: { ...JSON_MODE, responseJsonSchema: sentiment },
    },
    { name: 'sends a root string enum as is to json-schema models', responseFormat: jsonSchemaFormat(sentiment), expected: { ...JSON_MODE, responseJsonSchema: sentiment } },
    { name: 'sends a root string enum as is to openapi models', responseFormat: jsonSchemaFormat(sentiment), dialect: 'openapi', expected: { ...JSON_MODE, responseSchema: sentiment } },
    {
      name: 'down-converts a root integer enum for openapi models',
      responseFormat: jsonSchemaFormat({ type: 'integer', enum: [1, 2] }),
      dialect: 'openapi',
      expected: { ...JSON_MODE, responseSchema: { type: 'string', format: 'enum', enum: ['1', '2'] } },
    },
    {
      name: 'turns a root object without properties into JSON mode for openapi models',
      responseFormat: jsonSchemaFormat({ type: 'object', additionalProperties: { type: 'string' } }),
      dialect: 'openapi',
      expected: JSON_MODE,
    },
    {
      name: 'keeps a root object without properties for json-schema models',
      responseFormat: jsonSchemaFormat({ type: 'object', additionalProperties: { type: 'string' } }),
      expected: { ...JSON_MODE, responseJsonSchema: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    { name: 'sends a recursive schema as is to json-schema models', responseFormat: jsonSchemaFormat(recursive), expected: { ...JSON_MODE, responseJsonSchema: recursive } },
  ];
  it.each(cases)('$name', ({ responseFormat, dialect, expected }) => {
    expect(openaiResponseFormatToGemini(deepFreeze(responseFormat), { schemaDialect: dialect ?? 'json-schema' })).toStrictEqual(expected);
  });

  const invalid: Array<{ name: string; responseFormat: unknown; dialect?: Dialect; param: string; code: string }> = [
    { name: 'rejects an unknown type', responseFormat: { type: 'xml' }, param: 'response_format.type', code: 'unsupported_parameter' },
    { name: 'rejects a response_format without type', responseFormat: { json_schema: {} }, param: 'response_format.type', code: 'missing_required_parameter' },
    { name: 'rejects a response_format that is not an object', responseFormat: 'json', param: 'response_format', code: 'invalid_value' },
    { name: 'rejects json_schema without its json_schema object', responseFormat: { type: 'json_schema' }, param: 'response_format.json_schema', code: 'missing_required_parameter' },
    { name: 'rejects a schema that is not an object', responseFormat: jsonSchemaFormat('string'), param: 'response_format.json_schema.schema', code: 'invalid_value' },
    {
      name: 'rejects a recursive schema for openapi models, naming the $ref',
      responseFormat: jsonSchemaFormat(recursive),
      dialect: 'openapi',
      param: 'response_format.json_schema.schema.$defs.Node.properties.next',
      code: 'unsupported_schema',
    },
  ];
  it.each(invalid)('$name', ({ responseFormat, dialect, param, code }) => {
    const error = thrownBy(() => openaiResponseFormatToGemini(deepFreeze(responseFormat), { schemaDialect: dialect ?? 'json-schema' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code });
  });
});
