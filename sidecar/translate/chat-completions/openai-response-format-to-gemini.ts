import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import type { ModelCapabilities } from '../models/capability-types';
import { jsonSchemaToOpenAPISchema } from '../schema/json-schema-to-openapi';
import { jsonSchemaForGemini } from '../schema/strip-json-schema';
import type { GeminiGenerationConfig } from './gemini-generate-schema';
import { parseWithParam } from '../parse-with-param';

const JSON_MIME_TYPE = 'application/json';
const SCHEMA_PARAM = 'response_format.json_schema.schema';

const responseFormatSchema = z.looseObject({ type: z.string(), json_schema: z.unknown().optional() });

/** `name`, `description` and `strict` are accepted and unused: Gemini has no slot for them and always follows the schema. */
const jsonSchemaFormatSchema = z.looseObject({
  name: z.string().nullish(),
  description: z.string().nullish(),
  schema: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

/** The `generationConfig` fields a response format sets. */
export type ResponseFormatConfig = Pick<GeminiGenerationConfig, 'responseMimeType' | 'responseJsonSchema' | 'responseSchema'>;

/**
 * OpenAI `response_format` → Gemini structured output (https://ai.google.dev/gemini-api/docs/structured-output):
 * `json_object` is JSON mode; `json_schema` adds `responseJsonSchema` for models that take JSON Schema, or the
 * down-converted `responseSchema` for older ones. Root schemas of any type (e.g. a string enum) are sent as they are.
 */
export function openaiResponseFormatToGemini(responseFormat: unknown, options: { schemaDialect: ModelCapabilities['schemaDialect'] }): ResponseFormatConfig {
  if (responseFormat == null) return {};
  const format = parseWithParam(responseFormatSchema, responseFormat, 'response_format');
  switch (format.type) {
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: JSON_MIME_TYPE };
    case 'json_schema': {
      const { schema } = parseWithParam(jsonSchemaFormatSchema, format.json_schema, 'response_format.json_schema');
      if (schema == null) return { responseMimeType: JSON_MIME_TYPE };
      if (options.schemaDialect === 'json-schema') return { responseMimeType: JSON_MIME_TYPE, responseJsonSchema: jsonSchemaForGemini(schema) };
      const converted = jsonSchemaToOpenAPISchema(schema, SCHEMA_PARAM);
      // An object without properties is "any object", which JSON mode already gives, and the legacy schema rejects it
      // ("properties: should be non-empty for OBJECT type").
      if (converted.type === 'object' && converted.properties === undefined) return { responseMimeType: JSON_MIME_TYPE };
      return { responseMimeType: JSON_MIME_TYPE, responseSchema: converted };
    }
    default:
      throw new InvalidRequestError(`response_format type '${format.type}' is not supported.`, 'response_format.type', 'unsupported_parameter');
  }
}
