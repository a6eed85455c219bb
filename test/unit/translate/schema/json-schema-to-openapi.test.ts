import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import { jsonSchemaToOpenAPISchema } from '@sidecar/translate/schema/json-schema-to-openapi';
import { jsonSchemaForGemini } from '@sidecar/translate/schema/strip-json-schema';

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

const PARAM = 'tools[0].function.parameters';

/** What pydantic v2 emits for a model with an enum, a nested optional model, `extra='forbid'` and Optional fields. */
const PYDANTIC_CREATE_USER = {
  $defs: {
    Address: {
      additionalProperties: false,
      properties: {
        street: { title: 'Street', type: 'string' },
        city: { title: 'City', type: 'string' },
        zip_code: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, description: 'Postal code', title: 'Zip Code' },
      },
      required: ['street', 'city'],
      title: 'Address',
      type: 'object',
    },
    Status: { enum: ['active', 'inactive'], title: 'Status', type: 'string' },
  },
  additionalProperties: false,
  description: 'Create a user.',
  properties: {
    name: { description: 'Full name', title: 'Name', type: 'string' },
    age: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, title: 'Age' },
    tags: { default: [], items: { type: 'string' }, title: 'Tags', type: 'array' },
    status: { $ref: '#/$defs/Status', default: 'active' },
    address: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], default: null, description: 'Home address' },
  },
  required: ['name'],
  title: 'CreateUser',
  type: 'object',
};

const PYDANTIC_CREATE_USER_OPENAPI = {
  type: 'object',
  description: 'Create a user.',
  properties: {
    name: { type: 'string', description: 'Full name' },
    age: { type: 'integer', nullable: true },
    tags: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['active', 'inactive'] },
    address: {
      type: 'object',
      description: 'Home address',
      nullable: true,
      properties: {
        street: { type: 'string' },
        city: { type: 'string' },
        zip_code: { type: 'string', description: 'Postal code', nullable: true },
      },
      required: ['street', 'city'],
      propertyOrdering: ['street', 'city', 'zip_code'],
    },
  },
  required: ['name'],
  propertyOrdering: ['name', 'age', 'tags', 'status', 'address'],
};

/** zod-to-json-schema style: draft-07 `$schema`, `definitions`, `additionalProperties: false`, `const` discriminator. */
const ZOD_SEARCH = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    kind: { type: 'string', const: 'search' },
    query: { type: 'string', minLength: 1 },
    filter: { $ref: '#/definitions/Filter' },
  },
  required: ['kind', 'query'],
  additionalProperties: false,
  definitions: {
    Filter: { type: 'object', properties: { since: { type: 'string', format: 'date-time' } }, additionalProperties: false },
  },
};

const str = { type: 'string' };

describe('jsonSchemaToOpenAPISchema', () => {
  const cases: Array<{ name: string; schema: unknown; expected: Record<string, unknown> }> = [
    { name: 'down-converts a pydantic model ($defs, anyOf-null, additionalProperties:false)', schema: PYDANTIC_CREATE_USER, expected: PYDANTIC_CREATE_USER_OPENAPI },
    {
      name: 'down-converts a zod-to-json-schema model (definitions, const, $schema)',
      schema: ZOD_SEARCH,
      expected: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['search'] },
          query: { type: 'string', minLength: 1 },
          filter: { type: 'object', properties: { since: { type: 'string', format: 'date-time' } }, propertyOrdering: ['since'] },
        },
        required: ['kind', 'query'],
        propertyOrdering: ['kind', 'query', 'filter'],
      },
    },
    {
      name: 'adds propertyOrdering in the key order of properties',
      schema: { type: 'object', properties: { z: str, a: str, m: str } },
      expected: { type: 'object', properties: { z: str, a: str, m: str }, propertyOrdering: ['z', 'a', 'm'] },
    },
    {
      name: 'drops keywords the legacy schema does not take',
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'urn:x', $comment: 'c', title: 'T', default: {}, examples: [{}],
        strict: true, additionalProperties: false, propertyNames: { pattern: '^a' }, patternProperties: { '^x': str },
        unevaluatedProperties: false, type: 'object', properties: { a: { type: 'string', title: 'A', default: 'x', examples: ['y'] } },
      },
      expected: { type: 'object', properties: { a: str }, propertyOrdering: ['a'] },
    },
    { name: 'turns a string const into a one-value enum', schema: { const: 'x' }, expected: { type: 'string', enum: ['x'] } },
    { name: 'drops a non-string const and keeps the type', schema: { type: 'integer', const: 3 }, expected: { type: 'integer' } },
    { name: 'turns ["string","null"] into type + nullable', schema: { type: ['string', 'null'] }, expected: { type: 'string', nullable: true } },
    {
      name: 'turns a multi-type array into anyOf, keeping per-type keywords only',
      schema: { type: ['string', 'integer'], maxLength: 3, minimum: 1 },
      expected: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'integer', minimum: 1 }] },
    },
    {
      name: 'moves description and nullable of a nullable multi-type array into each branch',
      schema: { type: ['string', 'number', 'null'], description: 'd' },
      expected: { anyOf: [{ type: 'string', description: 'd', nullable: true }, { type: 'number', description: 'd', nullable: true }] },
    },
    { name: 'merges the one non-null anyOf branch in place', schema: { anyOf: [{ type: 'integer' }, { type: 'null' }] }, expected: { type: 'integer', nullable: true } },
    {
      name: 'lets siblings of a merged branch override it',
      schema: { anyOf: [{ type: 'string', description: 'inner' }, { type: 'null' }], description: 'outer' },
      expected: { type: 'string', description: 'outer', nullable: true },
    },
    {
      name: 'keeps anyOf alone on its node: description moves into branches, other siblings are dropped',
      schema: { anyOf: [str, { type: 'integer', description: 'own' }], description: 'd', type: 'string', default: 1, title: 'T' },
      expected: { anyOf: [{ type: 'string', description: 'd' }, { type: 'integer', description: 'own' }] },
    },
    {
      name: 'keeps nullable on every branch when null is one of several',
      schema: { anyOf: [str, { type: 'integer' }, { type: 'null' }] },
      expected: { anyOf: [{ type: 'string', nullable: true }, { type: 'integer', nullable: true }] },
    },
    { name: 'reads oneOf as anyOf', schema: { oneOf: [str, { type: 'boolean' }] }, expected: { anyOf: [str, { type: 'boolean' }] } },
    {
      name: 'flattens a nested anyOf',
      schema: { anyOf: [{ anyOf: [str, { type: 'integer' }] }, { type: 'boolean' }] },
      expected: { anyOf: [str, { type: 'integer' }, { type: 'boolean' }] },
    },
    {
      name: 'stringifies non-string enum values with type string and format enum',
      schema: { type: 'integer', enum: [1, 2, 3] },
      expected: { type: 'string', format: 'enum', enum: ['1', '2', '3'] },
    },
    { name: 'turns null in an enum into nullable', schema: { enum: ['a', null] }, expected: { type: 'string', nullable: true, enum: ['a'] } },
    { name: 'removes an empty enum', schema: { type: 'string', enum: [] }, expected: str },
    { name: 'types an untyped string enum as string', schema: { enum: ['a', 'b'] }, expected: { type: 'string', enum: ['a', 'b'] } },
    { name: 'gives items: {} a string item type', schema: { type: 'array', items: {} }, expected: { type: 'array', items: str } },
    { name: 'gives an array without items a string item type', schema: { type: 'array', minItems: 1 }, expected: { type: 'array', minItems: 1, items: str } },
    { name: 'gives items: true a string item type', schema: { type: 'array', items: true }, expected: { type: 'array', items: str } },
    { name: 'keeps an object without properties', schema: { type: 'object', additionalProperties: str }, expected: { type: 'object' } },
    { name: 'keeps an object with empty properties, without the empty map', schema: { type: 'object', properties: {} }, expected: { type: 'object' } },
    {
      name: 'keeps only required names that properties declares',
      schema: { type: 'object', properties: { a: str }, required: ['a', 'ghost'] },
      expected: { type: 'object', properties: { a: str }, required: ['a'], propertyOrdering: ['a'] },
    },
    { name: 'drops required on an object without properties', schema: { type: 'object', required: ['a'] }, expected: { type: 'object' } },
    { name: 'keeps format date-time on strings', schema: { type: 'string', format: 'date-time' }, expected: { type: 'string', format: 'date-time' } },
    { name: 'drops string formats Gemini lacks', schema: { type: 'string', format: 'email' }, expected: str },
    { name: 'keeps format int64 on integers', schema: { type: 'integer', format: 'int64' }, expected: { type: 'integer', format: 'int64' } },
    { name: 'keeps format double on numbers', schema: { type: 'number', format: 'double' }, expected: { type: 'number', format: 'double' } },
    { name: 'drops a format that belongs to another type', schema: { type: 'string', format: 'int32' }, expected: str },
    {
      name: 'keeps numeric bounds and drops the ones Gemini lacks',
      schema: { type: 'number', minimum: 0, maximum: 1, exclusiveMaximum: 1, multipleOf: 0.5 },
      expected: { type: 'number', minimum: 0, maximum: 1 },
    },
    {
      name: 'drops object keywords from a non-object type',
      schema: { type: 'string', properties: { a: str }, required: ['a'], pattern: '^a', minItems: 1 },
      expected: { type: 'string', pattern: '^a' },
    },
    {
      name: 'keeps object and array size bounds',
      schema: { type: 'object', minProperties: 1, maxProperties: 2, properties: { a: { type: 'array', items: str, maxItems: 4 } } },
      expected: { type: 'object', minProperties: 1, maxProperties: 2, properties: { a: { type: 'array', items: str, maxItems: 4 } }, propertyOrdering: ['a'] },
    },
    { name: 'infers object from properties', schema: { properties: { a: str } }, expected: { type: 'object', properties: { a: str }, propertyOrdering: ['a'] } },
    { name: 'infers number from bounds', schema: { minimum: 1 }, expected: { type: 'number', minimum: 1 } },
    { name: 'types an unconstrained schema as string', schema: { description: 'anything' }, expected: { type: 'string', description: 'anything' } },
    { name: 'reads an upper-case type', schema: { type: 'STRING' }, expected: str },
    { name: 'keeps OpenAPI nullable from the input', schema: { type: 'boolean', nullable: true }, expected: { type: 'boolean', nullable: true } },
    {
      name: 'inlines a one-schema allOf with its siblings on top',
      schema: { properties: { s: { allOf: [{ $ref: '#/$defs/S' }], description: 'outer' } }, $defs: { S: { type: 'string', description: 'inner' } } },
      expected: { type: 'object', properties: { s: { type: 'string', description: 'outer' } }, propertyOrdering: ['s'] },
    },
    {
      name: 'inlines a definition used twice (not recursive)',
      schema: { type: 'object', properties: { a: { $ref: '#/$defs/P' }, b: { $ref: '#/$defs/P' } }, $defs: { P: { type: 'integer' } } },
      expected: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, propertyOrdering: ['a', 'b'] },
    },
    {
      name: 'follows a $ref chain and JSON Pointer escapes',
      schema: { $ref: '#/$defs/a~1b', $defs: { 'a~1b': { $ref: '#/$defs/T' }, 'a/b': { $ref: '#/$defs/T' }, T: { type: 'boolean' } } },
      expected: { type: 'boolean' },
    },
  ];
  it.each(cases)('$name', ({ schema, expected }) => {
    expect(jsonSchemaToOpenAPISchema(deepFreeze(schema), PARAM)).toStrictEqual(expected);
  });

  /** A chain of definitions that each reference the next one twice: 2^20 nodes once inlined. */
  const exponential = {
    $ref: '#/$defs/L0',
    $defs: {
      ...Object.fromEntries(
        Array.from({ length: 20 }, (_, index) => [`L${index}`, { properties: { a: { $ref: `#/$defs/L${index + 1}` }, b: { $ref: `#/$defs/L${index + 1}` } } }]),
      ),
      L20: str,
    },
  };
  const nested = Array.from({ length: 100 }).reduce<Record<string, unknown>>((inner) => ({ type: 'array', items: inner }), str);

  const invalid: Array<{ name: string; schema: unknown; param: unknown; message: RegExp }> = [
    {
      name: 'rejects a recursive $ref with a clear message',
      schema: { type: 'object', properties: { root: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } },
      param: `${PARAM}.$defs.Node.properties.children.items`,
      message: /recursive.*Gemini 2\.5\+/,
    },
    { name: 'rejects a $ref to the root from inside it', schema: { type: 'object', properties: { self: { $ref: '#' } } }, param: `${PARAM}.properties.self`, message: /recursive/ },
    {
      name: 'rejects mutually recursive definitions',
      schema: { $ref: '#/$defs/A', $defs: { A: { properties: { b: { $ref: '#/$defs/B' } } }, B: { properties: { a: { $ref: '#/$defs/A' } } } } },
      param: `${PARAM}.$defs.B.properties.a`,
      message: /recursive/,
    },
    { name: 'rejects a $ref that does not resolve', schema: { properties: { a: { $ref: '#/$defs/Missing' } } }, param: `${PARAM}.properties.a`, message: /does not point/ },
    { name: 'rejects a remote $ref', schema: { properties: { a: { $ref: 'https://example.com/s.json' } } }, param: `${PARAM}.properties.a`, message: /Only local/ },
    { name: 'rejects a $ref to an inherited key', schema: { properties: { a: { $ref: '#/constructor' } } }, param: `${PARAM}.properties.a`, message: /does not point/ },
    { name: 'rejects an allOf of several schemas', schema: { allOf: [str, { minLength: 1 }] }, param: `${PARAM}.allOf`, message: /allOf/ },
    { name: 'rejects anyOf and oneOf on one node', schema: { anyOf: [str], oneOf: [str] }, param: PARAM, message: /anyOf and oneOf/ },
    { name: 'rejects an empty anyOf', schema: { properties: { a: { anyOf: [] } } }, param: `${PARAM}.properties.a.anyOf`, message: /non-empty/ },
    { name: 'rejects a lone null type', schema: { properties: { a: { type: 'null' } } }, param: `${PARAM}.properties.a.type`, message: /only allows null/ },
    { name: 'rejects an anyOf of only null', schema: { anyOf: [{ type: 'null' }] }, param: `${PARAM}.anyOf`, message: /only allows null/ },
    { name: 'rejects an unknown type', schema: { properties: { a: { type: 'date' } } }, param: `${PARAM}.properties.a.type`, message: /Unknown schema type/ },
    { name: 'rejects tuple items', schema: { type: 'array', items: [str, str] }, param: `${PARAM}.items`, message: /JSON Schema object/ },
    { name: 'rejects a false schema', schema: { properties: { a: false } }, param: `${PARAM}.properties.a`, message: /JSON Schema object/ },
    { name: 'rejects a schema that is not an object', schema: [str], param: PARAM, message: /JSON Schema object/ },
    { name: 'rejects an exponential $ref expansion', schema: exponential, param: expect.stringMatching(/^tools\[0\]\.function\.parameters\.\$defs\.L\d+\.properties\.[ab]$/), message: /too large/ },
    { name: 'rejects a schema nested deeper than 64 levels', schema: nested, param: expect.stringMatching(/^tools\[0\]\.function\.parameters(\.items){65}$/), message: /too deeply nested/ },
  ];
  it.each(invalid)('$name', ({ schema, param, message }) => {
    const error = thrownBy(() => jsonSchemaToOpenAPISchema(deepFreeze(schema), PARAM));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code: 'unsupported_schema', message: expect.stringMatching(message) });
  });
});

describe('jsonSchemaForGemini', () => {
  const cases: Array<{ name: string; schema: unknown; expected: unknown }> = [
    { name: 'keeps a pydantic model as it is', schema: PYDANTIC_CREATE_USER, expected: PYDANTIC_CREATE_USER },
    {
      name: 'removes the root $schema, keeps definitions and additionalProperties, and turns const into a one-value enum',
      schema: ZOD_SEARCH,
      expected: (({ $schema: _schema, ...rest }) => ({ ...rest, properties: { ...rest.properties, kind: { type: 'string', enum: ['search'] } } }))(ZOD_SEARCH),
    },
    {
      name: 'removes a root strict but keeps a property named strict',
      schema: { type: 'object', strict: true, properties: { strict: { type: 'boolean' } } },
      expected: { type: 'object', properties: { strict: { type: 'boolean' } } },
    },
    {
      name: 'keeps a recursive schema (Gemini 2.5+ unrolls it) and drops a root $ref to the root itself',
      schema: { $ref: '#', properties: { a: { $ref: '#' } } },
      expected: { properties: { a: { $ref: '#' } } },
    },
    { name: 'returns a boolean schema unchanged', schema: true, expected: true },
  ];
  it.each(cases)('$name', ({ schema, expected }) => {
    expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual(expected);
  });
});
