type JsonObject = Record<string, unknown>;

/*
 * What Gemini's JSON Schema fields (`generationConfig.responseJsonSchema`, `functionDeclarations[].parametersJsonSchema`)
 * do with JSON Schema keywords, and what this module does about it. Sources:
 *
 * Supported, passed through unchanged (https://ai.google.dev/api/generate-content#FIELDS.response_json_schema: "only the
 * following properties are supported", the list the google-genai SDKs repeat for GenerationConfig.responseJsonSchema;
 * guide: https://ai.google.dev/gemini-api/docs/structured-output):
 *   $id, $defs, $ref, $anchor, type (incl. "null" and type lists), format, title, description, enum (strings and numbers),
 *   items, prefixItems, minItems, maxItems, minimum, maximum, anyOf, oneOf (read as anyOf), properties,
 *   additionalProperties, required, and the non-standard propertyOrdering. pydantic-ai's recorded traffic
 *   (tests/models/cassettes/test_google/test_google_streaming_tool_call_thought_signature.yaml) shows
 *   `parameters_json_schema` with `additionalProperties: false` accepted.
 *
 * Rejected with 400, rewritten here:
 *   - keywords beside `$ref`. The reference: "If $ref is set on a sub-schema, no other properties, except for those
 *     starting as a $, may be set." The live API answers "Schema.ref 'QuestionOption' was set alongside unsupported
 *     fields. If a schema node has Schema.ref set, then only description and default can be set alongside it; other
 *     fields they would be replaced by the expanded reference." (opencode #12295
 *     https://github.com/anomalyco/opencode/issues/12295, OmniRoute #461 https://github.com/diegosouzapw/OmniRoute/issues/461,
 *     gcli2api PR #374 https://github.com/su-kaka/gcli2api/pull/374). So beside `$ref` only `$`-keywords, `description`
 *     and `default` are kept; Gemini itself says it would replace the others by the referenced schema. A root `$ref`
 *     into the document (zod-to-json-schema's `{$ref: "#/definitions/X", definitions: {...}}`) is inlined instead, so
 *     its `definitions` sibling stays and the reference still resolves.
 *
 * Removed as before, being OpenAI/meta keys rather than constraints: the root `strict` and `$schema` (the 400s seen for
 * `$schema`, QwenLM/qwen-code #1186 https://github.com/QwenLM/qwen-code/issues/1186 and CLIProxyAPI #97
 * https://github.com/router-for-me/CLIProxyAPI/issues/97, were on the legacy `parameters` field). Nested `$schema`
 * starts with `$`, which the reference allows anywhere.
 *
 * Ignored without error, rewritten here where a supported keyword means the same:
 *   - `const` (not in the supported list): Gemini drops the constraint (LiteLLM PR #40415
 *     https://github.com/BerriAI/litellm/pull/40415, LibreChat PR #11784 https://github.com/danny-avila/LibreChat/pull/11784),
 *     so a string or number `const` becomes the one-value `enum` it is equivalent to.
 *
 * Reported only against the legacy OpenAPI fields (`responseSchema`, `parameters`), where the proto parser answers
 * "Invalid JSON payload received. Unknown name ...": additionalProperties, $schema, $defs, $id, const, propertyNames,
 * patternProperties, unevaluatedProperties, uniqueItems, examples, default, title (Portkey #837, CLIProxyAPI #4393,
 * 9router PR #3018, trustcall #43, zed #44875). json-schema-to-openapi.ts drops those; here they stay, since no 400 has
 * been reported for them on the JSON Schema fields (a keyword Gemini does not list is ignored there, as `const` shows).
 */

/** Keywords whose value is one schema (draft 2020-12 and draft-07). */
const SCHEMA_KEYWORDS = new Set([
  'items', 'additionalItems', 'additionalProperties', 'unevaluatedItems', 'unevaluatedProperties', 'contains',
  'propertyNames', 'not', 'if', 'then', 'else', 'contentSchema',
]);
/** Keywords whose value is a list of schemas (`items` too, in its draft-07 tuple form). */
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** What Gemini lets stand beside `$ref` (the error message above), besides any `$`-keyword. */
const REF_SIBLINGS = new Set(['description', 'default']);

/** A chain of root `$ref`s longer than this is left for Gemini to judge. */
const MAX_ROOT_REF_HOPS = 8;

/**
 * A JSON Schema for Gemini's `parametersJsonSchema` / `responseJsonSchema` (Gemini 2.5+): sent as JSON Schema, with
 * only what Gemini rejects or silently ignores rewritten (see above). Property names are never touched, since only
 * schema positions are walked. Never mutates the input; anything that is not an object is returned unchanged.
 */
export function jsonSchemaForGemini(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const { $schema: _schema, strict: _strict, ...rest } = schema;
  return sanitize(inlineRootRef(rest));
}

/** `{$ref: "#/definitions/X", definitions}` → X's keywords at the root, beside the kept siblings. */
function inlineRootRef(root: JsonObject): JsonObject {
  let current = root;
  for (let hop = 0; hop < MAX_ROOT_REF_HOPS && typeof current.$ref === 'string'; hop++) {
    const { $ref: ref, ...siblings } = current;
    const target = resolveLocalRef(ref as string, current);
    if (target === undefined) return current;
    // `#` points at the root itself: the reference adds nothing, the siblings are the schema.
    current = target === current ? siblings : { ...target, ...siblings };
  }
  return current;
}

/** Resolves `#` or a `#/…` JSON Pointer against the document; undefined when it does not point at a schema object. */
function resolveLocalRef(ref: string, root: JsonObject): JsonObject | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

function sanitize(node: unknown): unknown {
  if (!isObject(node)) return node;
  const hasRef = typeof node.$ref === 'string';
  const rewriteConst = !hasRef && node.enum === undefined && isEnumValue(node.const);
  const entries = Object.entries(node)
    .filter(([key]) => !hasRef || key.startsWith('$') || REF_SIBLINGS.has(key))
    .map(([key, value]): [string, unknown] => (rewriteConst && key === 'const' ? ['enum', [value]] : [key, sanitizeKeyword(key, value)]));
  return Object.fromEntries(entries);
}

/** `enum` is documented for strings and numbers only. */
function isEnumValue(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function sanitizeKeyword(key: string, value: unknown): unknown {
  if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) return value.map(sanitize);
  if (SCHEMA_KEYWORDS.has(key)) return sanitize(value);
  if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, sanitize(schema)]));
  }
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
