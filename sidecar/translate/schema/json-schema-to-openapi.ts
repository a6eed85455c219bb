import { InvalidRequestError } from '../../errors/sidecar-error';

type JsonObject = Record<string, unknown>;

/**
 * Keywords Gemini's legacy `Schema` takes per type (https://ai.google.dev/api/caching#Schema). Anything else is dropped:
 * unknown names fail with "Invalid JSON payload received. Unknown name …", and `properties`/`required` on a non-object
 * type fail with "only allowed for OBJECT type". `title`, `default` and `example` exist in the reference but break on
 * some API versions (python-genai#1732), so they are dropped too. The peer reports per keyword are listed, with links, at
 * the top of strip-json-schema.ts and tested one by one in test/unit/translate/schema/gemini-schema-keywords.test.ts.
 */
const KEYWORDS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  string: ['minLength', 'maxLength', 'pattern'],
  number: ['minimum', 'maximum'],
  integer: ['minimum', 'maximum'],
  boolean: [],
  array: ['minItems', 'maxItems'],
  object: ['minProperties', 'maxProperties'],
};

/** `format` values the same reference lists per type; other formats are dropped. */
const FORMATS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  string: ['enum', 'date-time'],
  number: ['float', 'double'],
  integer: ['int32', 'int64'],
};

/** Keywords that imply a type when `type` is missing, checked in this order; an unconstrained schema becomes a string. */
const TYPE_HINTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['object', ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties']],
  ['array', ['items', 'minItems', 'maxItems']],
  ['number', ['minimum', 'maximum']],
];

/** Inlining a `$ref` DAG can grow a schema exponentially; past these limits the request is refused instead. */
const MAX_DEPTH = 64;
const MAX_NODES = 10_000;

const UNSUPPORTED_SCHEMA = 'unsupported_schema';

interface Context {
  root: JsonObject;
  param: string;
  /** `$ref`s being inlined on the current path: meeting one again means the schema is recursive. */
  expanding: string[];
  nodes: number;
}

/**
 * JSON Schema → the OpenAPI 3.0 subset of Gemini's legacy `parameters` / `responseSchema` (models before 2.5).
 * Local `$ref`s are inlined, nullability becomes `nullable`, and every object gets `propertyOrdering` (Gemini 2.0 does
 * not keep key order without it). Throws InvalidRequestError (`param` = JSON path) for what the subset cannot express.
 */
export function jsonSchemaToOpenAPISchema(schema: unknown, param: string): Record<string, unknown> {
  if (!isObject(schema)) throw unsupported('The schema must be a JSON Schema object.', param);
  return convert(schema, param, { root: schema, param, expanding: [], nodes: 0 }, 0);
}

function convert(input: unknown, path: string, context: Context, depth: number): JsonObject {
  context.nodes += 1;
  if (depth > MAX_DEPTH || context.nodes > MAX_NODES) {
    throw unsupported('The schema is too large or too deeply nested to convert for this model.', path);
  }
  const node = input === true ? {} : input;
  if (!isObject(node)) throw unsupported('Expected a JSON Schema object.', path);
  if (typeof node.$ref === 'string') return convertRef(node, node.$ref, path, context, depth);
  if (node.allOf !== undefined) return convertAllOf(node, path, context, depth);
  if (node.anyOf !== undefined && node.oneOf !== undefined) {
    throw unsupported('anyOf and oneOf on the same schema cannot be expressed for this model.', path);
  }
  if (node.anyOf !== undefined || node.oneOf !== undefined) return convertUnion(node, path, context, depth);
  if (Array.isArray(node.type)) return convertTypeList(node, node.type, path, context, depth);
  return convertTyped(node, path, context, depth);
}

/** Siblings of a `$ref` (pydantic puts `description` there) override the inlined definition's own keywords. */
function convertRef(node: JsonObject, ref: string, path: string, context: Context, depth: number): JsonObject {
  if (context.expanding.includes(ref)) {
    throw unsupported(
      `The schema is recursive ($ref '${ref}'), which Gemini's legacy schema cannot express; recursive schemas need a Gemini 2.5+ model.`,
      path,
    );
  }
  const target = resolveRef(ref, path, context.root);
  const { $ref: _ref, ...siblings } = node;
  context.expanding.push(ref);
  try {
    return convert({ ...target, ...siblings }, `${context.param}${ref.slice(1).replaceAll('/', '.')}`, context, depth + 1);
  } finally {
    context.expanding.pop();
  }
}

/** Resolves a local JSON Pointer (`#/$defs/X`, `#/definitions/X`, `#`) against the root document. */
function resolveRef(ref: string, path: string, root: JsonObject): JsonObject {
  if (ref !== '#' && !ref.startsWith('#/')) throw unsupported(`Only local $ref ('#/…') can be inlined; got '${ref}'.`, path);
  let current: unknown = root;
  for (const segment of ref === '#' ? [] : ref.slice(2).split('/')) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    current = isObject(current) && Object.hasOwn(current, key) ? current[key] : undefined;
  }
  if (current === true) return {};
  if (!isObject(current)) throw unsupported(`$ref '${ref}' does not point to a schema in this document.`, path);
  return current;
}

/** A one-schema `allOf` (older pydantic's way to describe a `$ref`) is merged in place; an intersection is refused. */
function convertAllOf(node: JsonObject, path: string, context: Context, depth: number): JsonObject {
  const { allOf, ...rest } = node;
  if (!Array.isArray(allOf) || allOf.length > 1) {
    throw unsupported("allOf with several schemas cannot be expressed in Gemini's legacy schema; it needs a Gemini 2.5+ model.", `${path}.allOf`);
  }
  const only: unknown = allOf[0] ?? {};
  const branch = only === true ? {} : only;
  if (!isObject(branch)) throw unsupported('Expected a JSON Schema object.', `${path}.allOf[0]`);
  return convert({ ...branch, ...rest }, path, context, depth + 1);
}

/**
 * anyOf/oneOf (oneOf is read as anyOf). A `{type:"null"}` branch becomes `nullable`; one remaining branch is merged in
 * place. Otherwise `anyOf` must be the only field on its node ("When using any_of, it must be the only field set"), so
 * `description` and `nullable` move into each branch and the other siblings are dropped.
 */
function convertUnion(node: JsonObject, path: string, context: Context, depth: number): JsonObject {
  const key = node.anyOf !== undefined ? 'anyOf' : 'oneOf';
  const { anyOf: _anyOf, oneOf: _oneOf, ...siblings } = node;
  const branches = node[key];
  if (!Array.isArray(branches) || branches.length === 0) throw unsupported(`${key} must be a non-empty array.`, `${path}.${key}`);
  const kept = branches.map((branch: unknown, index) => ({ branch, index })).filter(({ branch }) => !isNullSchema(branch));
  const nullable = kept.length < branches.length || siblings.nullable === true;
  const first = kept[0];
  if (first === undefined) throw loneNull(`${path}.${key}`);
  if (kept.length === 1) {
    const branch = first.branch === true ? {} : first.branch;
    if (!isObject(branch)) throw unsupported('Expected a JSON Schema object.', `${path}.${key}[${first.index}]`);
    return convert({ ...branch, ...siblings, ...(nullable ? { nullable: true } : {}) }, path, context, depth + 1);
  }
  const description = typeof siblings.description === 'string' ? siblings.description : undefined;
  const leaves = kept.flatMap(({ branch, index }) => {
    const converted = convert(branch, `${path}.${key}[${index}]`, context, depth + 1);
    return Array.isArray(converted.anyOf) ? (converted.anyOf as JsonObject[]) : [converted];
  });
  return {
    anyOf: leaves.map((leaf) => ({
      ...leaf,
      ...(description !== undefined && leaf.description === undefined ? { description } : {}),
      ...(nullable ? { nullable: true } : {}),
    })),
  };
}

/** `type: ["string","null"]` → `type` + `nullable`; several non-null types → one anyOf branch per type. */
function convertTypeList(node: JsonObject, types: unknown[], path: string, context: Context, depth: number): JsonObject {
  const kept = types.filter((type) => type !== 'null');
  const nullable = kept.length < types.length || node.nullable === true;
  if (kept.length === 0) throw loneNull(`${path}.type`);
  if (kept.length === 1) return convertTyped({ ...node, type: kept[0], nullable }, path, context, depth);
  const { type: _type, description, nullable: _nullable, ...keywords } = node;
  return convertUnion({ description, nullable, anyOf: kept.map((type) => ({ ...keywords, type })) }, path, context, depth);
}

function convertTyped(node: JsonObject, path: string, context: Context, depth: number): JsonObject {
  const values = typeof node.const === 'string' ? [node.const] : Array.isArray(node.enum) ? (node.enum as unknown[]) : [];
  const strings = values.filter((value) => value !== null).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  const stringified = values.some((value) => value !== null && typeof value !== 'string');
  // Gemini: "enum: only allowed for STRING type", so non-string enums become strings marked `format: enum`.
  const type = strings.length > 0 ? 'string' : typeOf(node, path);
  const out: JsonObject = { type };
  if (typeof node.description === 'string') out.description = node.description;
  if (node.nullable === true || values.includes(null)) out.nullable = true;
  const format = stringified ? 'enum' : node.format;
  if (typeof format === 'string' && FORMATS_BY_TYPE[type]?.includes(format)) out.format = format;
  if (strings.length > 0) out.enum = strings;
  for (const keyword of KEYWORDS_BY_TYPE[type] ?? []) {
    const value = node[keyword];
    if (typeof value === 'number' || (keyword === 'pattern' && typeof value === 'string')) out[keyword] = value;
  }
  if (type === 'array') out.items = convert(node.items ?? {}, `${path}.items`, context, depth + 1);
  if (type === 'object') Object.assign(out, convertProperties(node, path, context, depth));
  return out;
}

function typeOf(node: JsonObject, path: string): string {
  if (node.type === undefined) return TYPE_HINTS.find(([, keywords]) => keywords.some((keyword) => node[keyword] !== undefined))?.[0] ?? 'string';
  const type = typeof node.type === 'string' ? node.type.toLowerCase() : undefined;
  if (type === 'null') throw loneNull(`${path}.type`);
  if (type === undefined || KEYWORDS_BY_TYPE[type] === undefined) throw unsupported(`Unknown schema type ${JSON.stringify(node.type)}.`, `${path}.type`);
  return type;
}

/** `required` is cut to declared properties: Gemini rejects names that `properties` does not define. */
function convertProperties(node: JsonObject, path: string, context: Context, depth: number): JsonObject {
  const properties = isObject(node.properties) ? node.properties : {};
  const names = Object.keys(properties);
  const required = Array.isArray(node.required) ? node.required.filter((name) => typeof name === 'string' && names.includes(name)) : [];
  if (names.length === 0) return {};
  return {
    properties: Object.fromEntries(names.map((name) => [name, convert(properties[name], `${path}.properties.${name}`, context, depth + 1)])),
    ...(required.length > 0 ? { required } : {}),
    propertyOrdering: names,
  };
}

function isNullSchema(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.length > 0 && schema.type.every((type) => type === 'null'));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loneNull(path: string): InvalidRequestError {
  return unsupported("A schema that only allows null cannot be expressed in Gemini's legacy schema.", path);
}

function unsupported(message: string, path: string): InvalidRequestError {
  return new InvalidRequestError(message, path, UNSUPPORTED_SCHEMA);
}
