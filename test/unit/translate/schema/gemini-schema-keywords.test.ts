import { openaiResponseFormatToGemini } from '@sidecar/translate/chat-completions/openai-response-format-to-gemini';
import { openaiToolsToGemini } from '@sidecar/translate/chat-completions/openai-tools-to-gemini';
import { jsonSchemaToOpenAPISchema } from '@sidecar/translate/schema/json-schema-to-openapi';
import { jsonSchemaForGemini } from '@sidecar/translate/schema/strip-json-schema';

/**
 * One case per JSON Schema keyword peers saw Gemini reject (or silently ignore), for both schema dialects, with the
 * report it came from; the sourced list with links is the comment at the top of strip-json-schema.ts.
 */

/** Freezes a value and everything below it, so any mutation by the code under test throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const str = { type: 'string' };
const ADDRESS = { type: 'object', properties: { city: str }, required: ['city'] };
/** A property `a` whose schema is `node`, with `$defs.Address` beside it for `$ref` cases. */
const withProperty = (node: unknown) => ({ type: 'object', properties: { a: node }, $defs: { Address: ADDRESS } });

describe('jsonSchemaForGemini (responseJsonSchema / parametersJsonSchema)', () => {
  describe('drops keywords beside $ref, which Gemini rejects ("only description and default can be set alongside it")', () => {
    // opencode #12295 (https://github.com/anomalyco/opencode/issues/12295), OmniRoute #461
    // (https://github.com/diegosouzapw/OmniRoute/issues/461), gcli2api PR #374 (https://github.com/su-kaka/gcli2api/pull/374);
    // https://ai.google.dev/api/generate-content#FIELDS.response_json_schema: "If $ref is set on a sub-schema, no other
    // properties, except for those starting as a $, may be set."
    const ref = { $ref: '#/$defs/Address' };
    it.each([
      { keyword: 'title', value: 'Home address' },
      { keyword: 'type', value: 'object' },
      { keyword: 'nullable', value: true },
      { keyword: 'properties', value: { zip: str } },
      { keyword: 'required', value: ['city'] },
      { keyword: 'additionalProperties', value: false },
      { keyword: 'examples', value: [{ city: 'Oslo' }] },
      { keyword: 'enum', value: ['x'] },
      { keyword: 'anyOf', value: [str] },
      { keyword: 'allOf', value: [str] },
      { keyword: 'const', value: 'x' },
      { keyword: 'readOnly', value: true },
      { keyword: 'deprecated', value: true },
      { keyword: 'ref', value: 'QuestionOption' }, // opencode #19075 (https://github.com/anomalyco/opencode/issues/19075)
    ])('drops $keyword beside $ref', ({ keyword, value }) => {
      expect(jsonSchemaForGemini(deepFreeze(withProperty({ ...ref, [keyword]: value })))).toStrictEqual(withProperty(ref));
    });

    it('keeps description, default and $-keywords beside $ref', () => {
      const node = { ...ref, description: 'Home', default: { city: 'Oslo' }, $comment: 'c', $id: 'urn:address', $anchor: 'addr' };
      expect(jsonSchemaForGemini(deepFreeze(withProperty({ ...node, title: 'T' })))).toStrictEqual(withProperty(node));
    });

    it('drops them in every schema position: $defs, items, prefixItems, anyOf, additionalProperties, not, if/then/else', () => {
      const bad = { ...ref, title: 'T' };
      const schema = {
        type: 'object',
        properties: {
          list: { type: 'array', items: bad, prefixItems: [bad] },
          union: { anyOf: [bad, { type: 'null' }], oneOf: [bad] },
          map: { type: 'object', additionalProperties: bad, patternProperties: { '^x': bad } },
          logic: { not: bad, if: bad, then: bad, else: bad, allOf: [bad] },
        },
        $defs: { Address: ADDRESS, Alias: bad },
        definitions: { Old: bad },
      };
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual({
        type: 'object',
        properties: {
          list: { type: 'array', items: ref, prefixItems: [ref] },
          union: { anyOf: [ref, { type: 'null' }], oneOf: [ref] },
          map: { type: 'object', additionalProperties: ref, patternProperties: { '^x': ref } },
          logic: { not: ref, if: ref, then: ref, else: ref, allOf: [ref] },
        },
        $defs: { Address: ADDRESS, Alias: ref },
        definitions: { Old: ref },
      });
    });

    it('never treats a property name, a default or an example value as a schema', () => {
      const schema = {
        type: 'object',
        properties: { $ref: str, title: str, const: str, strict: str, properties: { type: 'object', properties: { title: str } } },
        default: { $ref: '#/x', title: 'kept' },
        examples: [{ const: 1 }],
      };
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual(schema);
    });
  });

  describe('inlines a root $ref, so its definitions sibling is not dropped', () => {
    it('inlines zod-to-json-schema\'s named root ({$ref: "#/definitions/X", definitions}) and drops its $schema', () => {
      const search = { type: 'object', properties: { query: str, filter: { $ref: '#/definitions/Filter' } }, required: ['query'], additionalProperties: false };
      const filter = { type: 'object', properties: { since: { type: 'string', format: 'date-time' } } };
      const schema = { $ref: '#/definitions/Search', definitions: { Search: search, Filter: filter }, $schema: 'http://json-schema.org/draft-07/schema#' };
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual({ ...search, definitions: { Search: search, Filter: filter } });
    });

    it('follows a chain of root $refs and lets root siblings override the target', () => {
      const schema = { $ref: '#/$defs/A', description: 'root', $defs: { A: { $ref: '#/$defs/B' }, B: { type: 'object', description: 'B', properties: { b: str } } } };
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual({
        type: 'object',
        description: 'root',
        properties: { b: str },
        $defs: { A: { $ref: '#/$defs/B' }, B: { type: 'object', description: 'B', properties: { b: str } } },
      });
    });

    it('leaves a root $ref it cannot resolve to Gemini, with only the siblings Gemini allows', () => {
      const schema = { $ref: 'https://example.com/s.json', title: 'T', description: 'd', $defs: {} };
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual({ $ref: 'https://example.com/s.json', description: 'd', $defs: {} });
    });
  });

  describe('rewrites const, which Gemini ignores, into the equivalent one-value enum', () => {
    // LiteLLM PR #40415 (https://github.com/BerriAI/litellm/pull/40415): "Gemini ignores properties ... defined as
    // const"; LibreChat PR #11784 (https://github.com/danny-avila/LibreChat/pull/11784) does the same rewrite.
    it.each([
      { name: 'a string const (pydantic Literal["x"])', node: { type: 'string', const: 'search' }, expected: { type: 'string', enum: ['search'] } },
      { name: 'a number const', node: { type: 'integer', const: 3 }, expected: { type: 'integer', enum: [3] } },
      {
        name: 'discriminators inside anyOf branches',
        node: { anyOf: [{ type: 'object', properties: { kind: { const: 'a' } } }, { type: 'object', properties: { kind: { const: 'b' } } }] },
        expected: { anyOf: [{ type: 'object', properties: { kind: { enum: ['a'] } } }, { type: 'object', properties: { kind: { enum: ['b'] } } }] },
      },
      { name: 'nothing when an enum is already there', node: { enum: ['a', 'b'], const: 'a' }, expected: { enum: ['a', 'b'], const: 'a' } },
      { name: 'nothing for a boolean const (enum is for strings and numbers)', node: { type: 'boolean', const: true }, expected: { type: 'boolean', const: true } },
      { name: 'nothing for a null const', node: { const: null }, expected: { const: null } },
    ])('$name', ({ node, expected }) => {
      expect(jsonSchemaForGemini(deepFreeze({ type: 'object', properties: { a: node } }))).toStrictEqual({ type: 'object', properties: { a: expected } });
    });
  });

  it.each([
    { keyword: '$schema', schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' } },
    { keyword: 'strict', schema: { strict: true, type: 'object' } },
  ])('removes a root $keyword (an OpenAI/meta key, not a constraint)', ({ schema }) => {
    expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual({ type: 'object' });
  });

  describe('keeps every keyword Gemini documents for its JSON Schema fields', () => {
    // https://ai.google.dev/api/generate-content#FIELDS.response_json_schema and
    // https://ai.google.dev/gemini-api/docs/structured-output ("JSON Schema support").
    it.each([
      { keyword: '$id', schema: { $id: 'urn:example:person', type: 'object', properties: { name: str } } },
      { keyword: '$defs + $ref', schema: { type: 'object', properties: { home: { $ref: '#/$defs/Address' } }, $defs: { Address: ADDRESS } } },
      { keyword: '$anchor', schema: { type: 'object', properties: { home: { $ref: '#addr' } }, $defs: { Address: { ...ADDRESS, $anchor: 'addr' } } } },
      { keyword: 'recursive $ref in a non-required property', schema: { type: 'object', properties: { name: str, children: { type: 'array', items: { $ref: '#' } } }, required: ['name'] } },
      { keyword: 'type with null', schema: { type: ['string', 'null'] } },
      { keyword: 'format', schema: { type: 'string', format: 'date-time' } },
      { keyword: 'title', schema: { type: 'object', title: 'Person', properties: { name: { type: 'string', title: 'Name' } } } },
      { keyword: 'description', schema: { type: 'string', description: 'A name' } },
      { keyword: 'enum (strings)', schema: { type: 'string', enum: ['a', 'b'] } },
      { keyword: 'enum (numbers)', schema: { type: 'integer', enum: [1, 2] } },
      { keyword: 'items', schema: { type: 'array', items: str } },
      { keyword: 'prefixItems', schema: { type: 'array', prefixItems: [str, { type: 'number' }], items: false } },
      { keyword: 'minItems / maxItems', schema: { type: 'array', items: str, minItems: 1, maxItems: 3 } },
      { keyword: 'minimum / maximum', schema: { type: 'number', minimum: 0, maximum: 1 } },
      { keyword: 'anyOf', schema: { anyOf: [str, { type: 'integer' }] } },
      { keyword: 'oneOf', schema: { oneOf: [str, { type: 'integer' }] } },
      { keyword: 'properties / required', schema: { type: 'object', properties: { a: str }, required: ['a'] } },
      { keyword: 'additionalProperties: false', schema: { type: 'object', properties: { a: str }, additionalProperties: false } },
      { keyword: 'additionalProperties: schema', schema: { type: 'object', additionalProperties: { type: 'integer' } } },
      { keyword: 'propertyOrdering', schema: { type: 'object', properties: { b: str, a: str }, propertyOrdering: ['b', 'a'] } },
    ])('keeps $keyword', ({ schema }) => {
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual(schema);
    });

    // Reported as 400s only on the legacy proto fields, where json-schema-to-openapi.ts removes them.
    it.each([
      { keyword: 'propertyNames', schema: { type: 'object', propertyNames: { pattern: '^[a-z]+$' }, additionalProperties: str } },
      { keyword: 'unevaluatedProperties', schema: { type: 'object', properties: { a: str }, unevaluatedProperties: false } },
      { keyword: 'patternProperties', schema: { type: 'object', patternProperties: { '^x-': str } } },
      { keyword: 'examples / default', schema: { type: 'string', examples: ['a'], default: 'a' } },
      { keyword: 'uniqueItems', schema: { type: 'array', items: str, uniqueItems: true } },
    ])('passes $keyword through (no report of a 400 on the JSON Schema fields)', ({ schema }) => {
      expect(jsonSchemaForGemini(deepFreeze(schema))).toStrictEqual(schema);
    });
  });
});

describe('jsonSchemaToOpenAPISchema (responseSchema / parameters) drops every keyword the legacy schema rejects', () => {
  // Each fails with "Invalid JSON payload received. Unknown name "<keyword>" at '…': Cannot find field."
  const cases = [
    { keyword: '$schema', node: { type: 'object', $schema: 'https://json-schema.org/draft/2020-12/schema' }, source: 'CLIProxyAPI #97 https://github.com/router-for-me/CLIProxyAPI/issues/97' },
    { keyword: '$id', node: { type: 'string', $id: 'urn:x' }, source: 'CLIProxyAPI PR #1542 https://github.com/router-for-me/CLIProxyAPI/pull/1542' },
    { keyword: '$comment', node: { type: 'string', $comment: 'c' }, source: 'not in https://ai.google.dev/api/caching#Schema' },
    { keyword: 'additionalProperties', node: { type: 'object', additionalProperties: false }, source: 'opencrabs #99 https://github.com/adolfousier/opencrabs/issues/99' },
    { keyword: 'propertyNames', node: { type: 'object', propertyNames: { pattern: '^a' } }, source: 'CLIProxyAPI #4393 https://github.com/router-for-me/CLIProxyAPI/issues/4393' },
    { keyword: 'patternProperties', node: { type: 'object', patternProperties: { '^x': str } }, source: 'goai PR #108 https://github.com/zendev-sh/goai/pull/108' },
    { keyword: 'unevaluatedProperties', node: { type: 'object', unevaluatedProperties: false }, source: '9router PR #3018 https://github.com/decolua/9router/pull/3018' },
    { keyword: 'unevaluatedItems', node: { type: 'array', items: str, unevaluatedItems: false }, source: '9router PR #3018' },
    { keyword: 'uniqueItems', node: { type: 'array', items: str, uniqueItems: true }, source: '9router PR #3018' },
    { keyword: 'contains', node: { type: 'array', items: str, contains: str }, source: '9router PR #3018' },
    { keyword: 'multipleOf', node: { type: 'number', multipleOf: 2 }, source: '9router PR #3018' },
    { keyword: 'exclusiveMinimum', node: { type: 'number', exclusiveMinimum: 0 }, source: 'freellmapi PR #65 https://github.com/tashfeenahmed/freellmapi/pull/65' },
    { keyword: 'exclusiveMaximum', node: { type: 'number', exclusiveMaximum: 9 }, source: 'goai PR #108' },
    { keyword: 'examples', node: { type: 'string', examples: ['x'] }, source: 'trustcall #43 https://github.com/hinthornw/trustcall/issues/43' },
    { keyword: 'default', node: { type: 'string', default: 'x' }, source: 'python-genai #699 https://github.com/googleapis/python-genai/issues/699' },
    { keyword: 'title', node: { type: 'string', title: 'X' }, source: 'python-genai #1732 (see json-schema-to-openapi.ts)' },
    { keyword: 'const (non-string)', node: { type: 'integer', const: 1 }, source: 'pydantic-ai #1444 https://github.com/pydantic/pydantic-ai/issues/1444' },
    { keyword: 'strict', node: { type: 'string', strict: true }, source: 'OpenAI-only key' },
    { keyword: 'deprecated / readOnly / writeOnly', node: { type: 'string', deprecated: true, readOnly: true, writeOnly: false }, source: 'not in https://ai.google.dev/api/caching#Schema' },
    { keyword: 'if / then / else / not', node: { type: 'string', if: str, then: str, else: str, not: { const: 'x' } }, source: 'not in https://ai.google.dev/api/caching#Schema' },
    { keyword: 'dependentRequired / dependentSchemas', node: { type: 'object', dependentRequired: { a: ['b'] }, dependentSchemas: { a: str } }, source: 'not in https://ai.google.dev/api/caching#Schema' },
    { keyword: 'contentEncoding / contentMediaType', node: { type: 'string', contentEncoding: 'base64', contentMediaType: 'image/png' }, source: 'not in https://ai.google.dev/api/caching#Schema' },
  ];
  it.each(cases)('drops $keyword ($source)', ({ node }) => {
    const converted = jsonSchemaToOpenAPISchema(deepFreeze({ type: 'object', properties: { a: node } }), 'tools[0].function.parameters');
    const { type } = node as { type: string };
    expect(converted).toStrictEqual({ type: 'object', properties: { a: { type, ...(type === 'array' ? { items: str } : {}) } }, propertyOrdering: ['a'] });
  });

  it('rewrites what the legacy schema can say otherwise: $ref/$defs inlined, a string const as enum, type lists as nullable', () => {
    // zed #44875 (https://github.com/zed-industries/zed/issues/44875): const; zed #53919
    // (https://github.com/zed-industries/zed/issues/53919): "Proto field is not repeating, cannot start list" for type lists.
    const schema = { type: 'object', properties: { kind: { const: 'a' }, home: { $ref: '#/$defs/Address' }, note: { type: ['string', 'null'] } }, $defs: { Address: ADDRESS } };
    expect(jsonSchemaToOpenAPISchema(deepFreeze(schema), 'response_format.json_schema.schema')).toStrictEqual({
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['a'] },
        home: { type: 'object', properties: { city: str }, required: ['city'], propertyOrdering: ['city'] },
        note: { type: 'string', nullable: true },
      },
      propertyOrdering: ['kind', 'home', 'note'],
    });
  });
});

describe('both request fields use the dialect sanitisers', () => {
  const schema = { type: 'object', properties: { home: { $ref: '#/$defs/Address', title: 'Home' }, kind: { const: 'a' } }, $defs: { Address: ADDRESS }, $schema: 'x' };
  const jsonExpected = { type: 'object', properties: { home: { $ref: '#/$defs/Address' }, kind: { enum: ['a'] } }, $defs: { Address: ADDRESS } };

  it('sends sanitised parametersJsonSchema for tools on a JSON Schema model', () => {
    const { functionDeclarations } = openaiToolsToGemini({ tools: [{ type: 'function', function: { name: 'f', parameters: schema } }] }, { schemaDialect: 'json-schema' }).tools![0]!;
    expect(functionDeclarations).toEqual([{ name: 'f', parametersJsonSchema: jsonExpected }]);
  });

  it('sends sanitised responseJsonSchema for response_format on a JSON Schema model', () => {
    const config = openaiResponseFormatToGemini({ type: 'json_schema', json_schema: { name: 'x', schema, strict: true } }, { schemaDialect: 'json-schema' });
    expect(config).toEqual({ responseMimeType: 'application/json', responseJsonSchema: jsonExpected });
  });

  it('sends the down-converted responseSchema on an OpenAPI model', () => {
    const config = openaiResponseFormatToGemini({ type: 'json_schema', json_schema: { name: 'x', schema } }, { schemaDialect: 'openapi' });
    expect(config.responseSchema).toEqual({
      type: 'object',
      properties: { home: { type: 'object', properties: { city: str }, required: ['city'], propertyOrdering: ['city'] }, kind: { type: 'string', enum: ['a'] } },
      propertyOrdering: ['home', 'kind'],
    });
  });
});
