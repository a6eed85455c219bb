import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { UpstreamUnreachableError } from '../errors/sidecar-error';
import type { GeminiCallOptions } from '../gemini/active-call';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import {
  geminiImageResponseSchema,
  geminiImagesToOpenAI,
  imagenPredictResponseSchema,
  type GeminiImagesResult,
  type OpenAIImagesUsage,
} from '../translate/images/gemini-images-to-openai';
import { openaiImagesToGemini, type TranslatedImagesRequest } from '../translate/images/openai-images-to-gemini';
import { parseOpenAIImagesRequest } from '../translate/images/openai-images-schema';
import { withResolvedModel } from './alias-notice';
import { abortOnClientClose, consumerOf, describeRequest, reportIgnoredParams } from './request-context';
import type { TokenUsage } from '../spend/token-usage';
import { GenAIOperation } from '../observability/genai-operation';

/** `POST /v1/images/generations`: Gemini image models via `generateContent` (one call per image), Imagen via `:predict`. */
export function imagesGenerationsHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const parsed = parseOpenAIImagesRequest(req.body);
    const translated = openaiImagesToGemini(withResolvedModel(deps, parsed.request));
    reportIgnoredParams(deps, res, translated.model, parsed.unknownKeys, translated.warnings);
    describeRequest(res, { model: parsed.request.model, stream: false });
    const call = { apiKey, signal: abortOnClientClose(req, res) };
    await respondWithImages(deps, res, translated, call);
  };
}

/** Calls the image model, answers the OpenAI ImagesResponse and records the operation (generations and edits). */
export async function respondWithImages(deps: AppDeps, res: Response, translated: TranslatedImagesRequest, call: GeminiCallOptions): Promise<void> {
  const operation = new GenAIOperation(deps.metrics, deps.tracer, {
    operation: 'generate_content',
    model: translated.model,
    stream: false,
    consumer: consumerOf(res),
  });
  let response;
  try {
    const result = await operation.run(() => callImageModel(deps, translated, call));
    const translatedResponse = geminiImagesToOpenAI(result, Math.floor(Date.now() / 1000));
    response = translatedResponse.response;
    const warnings = translatedResponse.warnings;
    if (warnings.length > 0) deps.logger.warn({ warnings, model: translated.model }, 'Gemini images answer not fully representable');
  } catch (error) {
    operation.fail(error);
    throw error;
  }
  operation.succeed({
    ...(response.usage ? { usage: imagesUsage(response.usage) } : {}),
  });
  res.json(response);
}

/** The upstream call(s) of an images request (generations and edits alike): one per image, or Imagen's predict. */
async function callImageModel(deps: AppDeps, translated: TranslatedImagesRequest, call: GeminiCallOptions): Promise<GeminiImagesResult> {
  if (translated.kind === 'predict') {
    const raw = await deps.gemini.callModel(translated.model, 'predict', translated.body, call);
    return { kind: 'predict', response: parseUpstream(imagenPredictResponseSchema, raw) };
  }
  // One failed call fails the request, so the others are cancelled rather than billed.
  const batch = new AbortController();
  const signal = call.signal ? AbortSignal.any([call.signal, batch.signal]) : batch.signal;
  try {
    const raws = await Promise.all(
      Array.from({ length: translated.calls }, () => deps.gemini.generateContent(translated.model, translated.body, { ...call, signal })),
    );
    return { kind: 'generateContent', responses: raws.map((raw) => parseUpstream(geminiImageResponseSchema, raw)) };
  } catch (error) {
    batch.abort();
    throw error;
  }
}

function parseUpstream<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new UpstreamUnreachableError('Gemini answered with an unexpected response shape.', 'upstream_bad_response');
  }
  return result.data;
}

/** Images usage → billed usage: Gemini's image tokens are output tokens priced at the row's image rate. */
function imagesUsage(usage: OpenAIImagesUsage): TokenUsage {
  return {
    input: usage.input_tokens,
    output: usage.output_tokens,
    reasoning: 0,
    cached: 0,
    audioInput: 0,
    imageOutput: usage.output_tokens_details?.image_tokens ?? 0,
  };
}
