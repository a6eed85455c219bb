/**
 * A JSON Schema for Gemini's `parametersJsonSchema` / `responseJsonSchema` (Gemini 2.5+), which take JSON Schema as is
 * (https://ai.google.dev/api/generate-content#generationconfig). Only the root `$schema` and `strict` are
 * removed: both are OpenAI/meta keys, not constraints. Nested keys stay untouched, because below the root `strict` may
 * just as well be a property name. Never mutates the input; anything that is not an object is returned unchanged.
 */
export function jsonSchemaForGemini(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const { $schema: _schema, strict: _strict, ...rest } = schema as Record<string, unknown>;
  return rest;
}
