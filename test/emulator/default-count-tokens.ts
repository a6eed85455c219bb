import { tokenCount } from './default-plan';
import { googleError, invalidArgument, modelNotFoundError } from './google-error';
import type { JsonReply } from './google-json';
import { servesMethod } from './model-catalog';
import { isRecord } from './request-fields';
import { validateGenerateRequest } from './validate-generate-request';

/** Every `text` field in the request, at any depth. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, member]) => (key === 'text' && typeof member === 'string' ? [member] : texts(member)));
}

/**
 * `POST models/{m}:countTokens` (https://ai.google.dev/api/tokens): either `{contents}` or `{generateContentRequest}`,
 * never both; only the second form may carry systemInstruction, tools and generationConfig. Tokens are counted like
 * the default answers count them (4 characters a token) over every text in the request.
 */
export function answerCountTokens(model: string, version: string, body: unknown): JsonReply {
  if (!servesMethod(model, 'countTokens')) return modelNotFoundError(model, version, 'countTokens');
  const fields = isRecord(body) ? body : {};
  const wrapped = fields.generateContentRequest;
  if (fields.contents !== undefined && wrapped !== undefined) {
    return googleError(400, 'INVALID_ARGUMENT', 'contents and generate_content_request are mutually exclusive.');
  }
  const unknown = Object.keys(fields).filter((key) => key !== 'contents' && key !== 'generateContentRequest');
  if (unknown.length > 0) return invalidArgument(unknown.map((key) => `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`));
  const request = isRecord(wrapped) ? wrapped : { contents: fields.contents };
  const { model: _model, ...generate } = request;
  const validation = validateGenerateRequest(JSON.stringify(generate), generate, model);
  if (!validation.ok) return validation.error;
  const totalTokens = Math.max(1, tokenCount(texts(generate).join('')));
  return { status: 200, body: { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] } };
}
