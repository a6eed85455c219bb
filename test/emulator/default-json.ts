import { field, isRecord, type JsonObject } from './request-fields';

/**
 * Structured output as the emulator answers it: a deterministic value that conforms to the schema the request sent,
 * either a JSON Schema (`responseJsonSchema`, `parametersJsonSchema`) or Google's OpenAPI subset (`responseSchema`,
 * `parameters`: upper-case types, `nullable`). Strings echo the user's text, cut to the schema's limits.
 */
export interface ValueContext {
  /** The schema `$ref`s resolve against (`#/$defs/...`, `#/definitions/...`). */
  root: JsonObject;
  /** What string fields say. */
  text: string;
}

// Past this depth a recursive schema gets its smallest value (null, [] or {}), as a model would stop nesting.
const MAX_DEPTH = 6;

const FORMAT_VALUES: Record<string, string> = {
  date: '2026-01-02',
  'date-time': '2026-01-02T03:04:05Z',
  time: '03:04:05',
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
  duration: 'PT1S',
};

function resolveRef(schema: JsonObject, root: JsonObject): JsonObject {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#')) return schema;
  let target: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    target = isRecord(target) ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (!isRecord(target)) return schema;
  const { $ref: _ref, ...siblings } = schema;
  return { ...target, ...siblings };
}

function typesOf(schema: JsonObject): string[] {
  const type = schema.type;
  const list = Array.isArray(type) ? type : type === undefined ? [] : [type];
  const types = list.filter((member): member is string => typeof member === 'string').map((member) => member.toLowerCase());
  if (types.length > 0) return types;
  if (isRecord(schema.properties)) return ['object'];
  if (schema.items !== undefined || Array.isArray(field(schema, 'prefixItems'))) return ['array'];
  return [];
}

function numberIn(schema: JsonObject, integer: boolean): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined;
  let value = 42;
  if (maximum !== undefined && value > maximum) value = maximum;
  if (minimum !== undefined && value < minimum) value = minimum;
  return integer ? Math.ceil(value) : value;
}

function stringFor(schema: JsonObject, text: string): string {
  const format = typeof schema.format === 'string' ? FORMAT_VALUES[schema.format] : undefined;
  let value = format ?? (text === '' ? 'text' : text);
  const maxLength = field(schema, 'maxLength');
  const minLength = field(schema, 'minLength');
  if (typeof maxLength === 'number') value = value.slice(0, maxLength);
  if (typeof minLength === 'number' && value.length < minLength) value = value.padEnd(minLength, '.');
  return value;
}

function arrayFor(schema: JsonObject, context: ValueContext, depth: number): unknown[] {
  const prefix = field(schema, 'prefixItems');
  const leading = Array.isArray(prefix) ? prefix.map((item) => valueFromSchema(item, context, depth + 1)) : [];
  const minItems = field(schema, 'minItems');
  const maxItems = field(schema, 'maxItems');
  const wanted = Math.max(leading.length, typeof minItems === 'number' ? minItems : depth >= MAX_DEPTH ? 0 : 1);
  const count = typeof maxItems === 'number' ? Math.min(wanted, maxItems) : wanted;
  const items = isRecord(schema.items) ? schema.items : {};
  return Array.from({ length: count }, (_, index) => leading[index] ?? valueFromSchema(items, context, depth + 1));
}

function objectFor(schema: JsonObject, context: ValueContext, depth: number): JsonObject {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  // Every declared property, in Google's propertyOrdering when given; past the depth limit only the required ones.
  const ordering = field(schema, 'propertyOrdering');
  const declared = Array.isArray(ordering) ? ordering.filter((name): name is string => typeof name === 'string') : Object.keys(properties);
  const names = depth >= MAX_DEPTH ? required : [...new Set([...declared, ...Object.keys(properties), ...required])];
  return Object.fromEntries(names.map((name) => [name, valueFromSchema(properties[name] ?? {}, context, depth + 1)]));
}

/** A value that the schema accepts; `{}`, `true` and unknown shapes give the user's text. */
export function valueFromSchema(raw: unknown, context: ValueContext, depth = 0): unknown {
  if (!isRecord(raw)) return context.text;
  const schema = resolveRef(raw, context.root);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const union = [field(schema, 'anyOf'), field(schema, 'oneOf')].find(Array.isArray);
  if (union && union.length > 0) {
    const branch = union.find((member) => !(isRecord(member) && typesOf(member).every((type) => type === 'null') && typesOf(member).length > 0));
    return valueFromSchema(branch ?? union[0], context, depth);
  }
  const allOf = field(schema, 'allOf');
  if (Array.isArray(allOf) && allOf.length > 0) {
    const merged = allOf.reduce<JsonObject>((sum, member) => (isRecord(member) ? { ...sum, ...resolveRef(member, context.root) } : sum), {});
    const { allOf: _allOf, ...rest } = schema;
    return valueFromSchema({ ...merged, ...rest }, context, depth);
  }
  const types = typesOf(schema).filter((type) => type !== 'null');
  if (types.length === 0 && typesOf(schema).includes('null')) return null;
  if (depth >= MAX_DEPTH && (schema.nullable === true || typesOf(schema).includes('null'))) return null;
  switch (types[0]) {
    case 'object':
      return objectFor(schema, context, depth);
    case 'array':
      return arrayFor(schema, context, depth);
    case 'integer':
      return numberIn(schema, true);
    case 'number':
      return numberIn(schema, false);
    case 'boolean':
      return true;
    case 'string':
      return stringFor(schema, context.text);
    default:
      return context.text;
  }
}

/**
 * JSON mode without a schema: clients that use it (instructor's JSON mode, LangChain's json_mode) describe the shape
 * in the prompt, usually as a JSON Schema. The last such schema in the prompt is followed; else `{"text": ...}`.
 */
export function schemaInPrompt(texts: string[]): JsonObject | undefined {
  let found: JsonObject | undefined;
  for (const text of texts) {
    for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
      const candidate = balancedObject(text, start);
      if (candidate === undefined) continue;
      try {
        const parsed = JSON.parse(candidate) as unknown;
        if (isRecord(parsed) && isRecord(parsed.properties)) found = parsed;
        // The outermost object that parses is the schema; what it contains is not looked at again.
        start += candidate.length - 1;
      } catch {
        // not JSON from this brace: try the next one
      }
    }
  }
  return found;
}

function balancedObject(text: string, start: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}' && --depth === 0) return text.slice(start, index + 1);
  }
  return undefined;
}

/**
 * The reply text under `responseMimeType`: `application/json` gives JSON that follows `responseJsonSchema` or
 * `responseSchema` (or a schema written in the prompt); `text/x.enum` gives the first enum value as plain text
 * (https://ai.google.dev/gemini-api/docs/structured-output). Undefined for ordinary text answers.
 */
export function structuredText(config: JsonObject, promptTexts: string[], userText: string): string | undefined {
  const mimeType = field(config, 'responseMimeType');
  const schema = field(config, 'responseJsonSchema') ?? field(config, 'responseSchema');
  const context = (root: JsonObject): ValueContext => ({ root, text: userText });
  if (mimeType === 'text/x.enum' && isRecord(schema)) return String(valueFromSchema(schema, context(schema)));
  if (mimeType !== 'application/json') {
    // Markdown JSON (instructor's MD_JSON): a prompt that asks for a ```json block and gives a schema gets one.
    const fenced = userText.includes('```json') ? schemaInPrompt(promptTexts) : undefined;
    // Strings carry the request's first line only, so the instruction's own ``` never lands inside the block.
    const value = fenced ? valueFromSchema(fenced, { root: fenced, text: userText.split('\n')[0] ?? '' }) : undefined;
    return fenced ? `\`\`\`json\n${JSON.stringify(value)}\n\`\`\`` : undefined;
  }
  const root = isRecord(schema) ? schema : schemaInPrompt(promptTexts);
  return JSON.stringify(root ? valueFromSchema(root, context(root)) : { text: userText });
}
