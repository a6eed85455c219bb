import fc from 'fast-check';
import { anyJson, deepJson, jsonObject, maybe, text } from './fuzz-json';

/** JSON Schema types, plus one that does not exist. */
const schemaType = fc.constantFrom('object', 'string', 'number', 'integer', 'boolean', 'array', 'null', 'date');
/** Property names, including JSON Schema keywords (nested `strict` must survive, root `strict` must go). */
const propertyName = fc.oneof(fc.constantFrom('a', 'b', 'strict', '$schema', 'properties', 'x y'), fc.string({ maxLength: 4 }));
/** Local pointers that resolve, dangle, escape `/`, point at the root, or are not local at all. */
const refTarget = fc.constantFrom(
  '#',
  '#/$defs/Node',
  '#/$defs/Leaf',
  '#/$defs/a~1b',
  '#/definitions/Old',
  '#/$defs/missing',
  '#/properties/a',
  'http://example.com/s.json',
  'Node',
);

/** JSON Schemas: typed leaves, objects, arrays, unions, `$ref`s into `$defs` whose entries refer to each other. */
const { schema } = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonObject({
      type: maybe(fc.oneof(schemaType, fc.uniqueArray(schemaType, { maxLength: 3 }))),
      description: maybe(text),
      enum: maybe(fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }), 3),
      format: maybe(fc.constantFrom('date-time', 'enum', 'int32', 'float', 'email'), 3),
      minimum: maybe(fc.integer(), 3),
      maxLength: maybe(fc.nat(), 3),
      nullable: maybe(fc.boolean(), 3),
      title: maybe(text, 3),
      default: maybe(anyJson, 4),
    }),
    jsonObject({
      type: maybe(fc.constant('object')),
      properties: fc.dictionary(propertyName, tie('schema'), { maxKeys: 3 }),
      required: maybe(fc.array(fc.oneof(propertyName, fc.integer()), { maxLength: 3 })),
      additionalProperties: maybe(fc.oneof(fc.boolean(), tie('schema')), 3),
    }),
    jsonObject({ type: maybe(fc.constant('array')), items: maybe(tie('schema'), 1, 5), minItems: maybe(fc.nat(5), 3) }),
    jsonObject({ anyOf: fc.array(tie('schema'), { maxLength: 3 }), description: maybe(text), nullable: maybe(fc.boolean(), 3) }),
    jsonObject({ oneOf: fc.array(tie('schema'), { maxLength: 3 }), anyOf: maybe(fc.array(tie('schema'), { maxLength: 2 }), 6) }),
    jsonObject({ allOf: fc.array(tie('schema'), { maxLength: 2 }), description: maybe(text) }),
    jsonObject({ $ref: refTarget, description: maybe(text) }),
    fc.constantFrom(true, false, null, 'string'),
  ),
}));

/** A → B → A through an anyOf: what pydantic emits for a linked list. */
const MUTUALLY_RECURSIVE = {
  type: 'object',
  properties: { node: { $ref: '#/$defs/A' } },
  $defs: { A: { type: 'object', properties: { next: { $ref: '#/$defs/B' } } }, B: { anyOf: [{ $ref: '#/$defs/A' }, { type: 'null' }] } },
};

/** A root schema; its `$defs` entries may point at each other or at the root (`#`), forming `$ref` cycles. */
export const rootSchema = fc.oneof(
  {
    weight: 6,
    arbitrary: jsonObject({
      type: maybe(fc.constantFrom('object', 'string', 'array', 'null'), 1, 5),
      properties: maybe(fc.dictionary(propertyName, schema, { maxKeys: 3 }), 1, 5),
      required: maybe(fc.array(propertyName, { maxLength: 3 })),
      $defs: maybe(jsonObject({ Node: maybe(schema, 1, 3), Leaf: maybe(schema, 1, 3), 'a/b': maybe(schema) })),
      definitions: maybe(jsonObject({ Old: schema }), 3),
      $schema: maybe(fc.constant('https://json-schema.org/draft/2020-12/schema'), 3),
      strict: maybe(fc.boolean(), 3),
      additionalProperties: maybe(fc.boolean(), 3),
    }),
  },
  { weight: 1, arbitrary: fc.constant(MUTUALLY_RECURSIVE) },
  // Gemini 2.5+ get the schema as it is, so a deep one reaches the upstream request.
  { weight: 1, arbitrary: jsonObject({ type: fc.constant('object'), properties: fc.record({ deep: deepJson() }) }) },
  { weight: 1, arbitrary: anyJson },
);
