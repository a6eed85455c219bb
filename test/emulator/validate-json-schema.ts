import { googleError, type GoogleErrorReply } from './google-error';
import { field, isRecord, type JsonObject } from './request-fields';
import type { ToolsView } from './validate-tools';

/** Keywords Gemini lets stand beside `$ref`: `$`-keywords, description and default (opencode#12295, gcli2api#374). */
function allowedBesideRef(key: string): boolean {
  return key.startsWith('$') || key === 'description' || key === 'default';
}

function refWithSiblings(schema: unknown, depth = 0): string | undefined {
  if (depth > 64) return undefined;
  if (Array.isArray(schema)) {
    for (const item of schema) {
      const found = refWithSiblings(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(schema)) return undefined;
  if (typeof schema.$ref === 'string' && Object.keys(schema).some((key) => !allowedBesideRef(key))) return schema.$ref;
  for (const [key, value] of Object.entries(schema)) {
    // Property names, enum values and defaults are data, not schemas.
    if (key === 'enum' || key === 'default' || key === 'const' || key === 'examples') continue;
    const found = refWithSiblings(value, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Gemini's 400 for a JSON Schema (`responseJsonSchema`, `parametersJsonSchema`) whose `$ref` node carries other fields. */
export function validateJsonSchemas(config: JsonObject, tools: ToolsView): GoogleErrorReply | undefined {
  const schemas = [field(config, 'responseJsonSchema'), ...tools.declarations.map((declaration) => declaration.schema)];
  for (const schema of schemas) {
    const ref = refWithSiblings(schema);
    if (ref === undefined) continue;
    const name = ref.split('/').at(-1) ?? ref;
    return googleError(
      400,
      'INVALID_ARGUMENT',
      `Schema.ref '${name}' was set alongside unsupported fields. If a schema node has Schema.ref set, then only description and default can be set alongside it; other fields they would be replaced by the expanded reference.`,
    );
  }
  return undefined;
}
