import type { RequestHandler } from 'express';
import { UpstreamUnreachableError } from '../errors/sidecar-error';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import {
  geminiBatchEmbedResponseSchema,
  geminiEmbeddingsToOpenAI,
  type GeminiBatchEmbedResponse,
} from '../translate/embeddings/gemini-embeddings-to-openai';
import { openAIEmbeddingsRequestSchema } from '../translate/embeddings/openai-embeddings-schema';
import { openaiEmbeddingsToGemini, type TranslatedEmbeddingsRequest } from '../translate/embeddings/openai-embeddings-to-gemini';
import { geminiEmbedBatchesToVertexPredict, vertexEmbedPredictResponseSchema, vertexPredictToGeminiBatch } from '../translate/embeddings/vertex-embed-predict';
import { resolveModel } from '../translate/model-alias';
import { parseRequestBody } from '../translate/parse-with-param';
import { mapConcurrent } from '../util/map-concurrent';
import { noticeAlias } from './alias-notice';
import { abortOnClientClose, consumerOf, describeRequest, reportIgnoredParams } from './request-context';
import { inputOnlyUsage } from '../spend/token-usage';
import { GenAIOperation } from '../observability/genai-operation';

/** Batches of one request sent to Gemini at once; more inputs wait their turn. */
const CONCURRENT_BATCHES = 4;

/** One upstream embeddings call: its method, body and the number of vectors it must answer. */
interface EmbedCall {
  method: 'batchEmbedContents' | 'predict';
  body: unknown;
  expected: number;
}

/** Developer API: `:batchEmbedContents` of 100; Vertex AI: `:predict` with the model's instance limit. */
function embedCalls(translated: TranslatedEmbeddingsRequest, model: string, vertex: boolean): EmbedCall[] {
  if (!vertex) return translated.batches.map((body) => ({ method: 'batchEmbedContents', body, expected: body.requests.length }));
  return geminiEmbedBatchesToVertexPredict(translated.batches, model).map((body) => ({ method: 'predict', body, expected: body.instances.length }));
}

/** `POST /v1/embeddings` → `:batchEmbedContents`, 100 inputs per call (Vertex: `:predict`), reassembled in input order. */
export function embeddingsHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const parsed = parseRequestBody(openAIEmbeddingsRequestSchema, req.body);
    const resolved = resolveModel(parsed.request.model, deps.config.models.aliases);
    noticeAlias(deps, parsed.request.model, resolved.alias);
    const translated = openaiEmbeddingsToGemini(parsed.request, resolved.model, { dimensions: resolved.alias?.dimensions });
    reportIgnoredParams(deps, res, resolved.model, parsed.unknownKeys, translated.warnings);
    describeRequest(res, { model: parsed.request.model, stream: false });
    const call = { apiKey, signal: abortOnClientClose(req, res) };
    const operation = new GenAIOperation(deps.metrics, deps.tracer, {
      operation: 'embeddings',
      model: resolved.model,
      stream: false,
      consumer: consumerOf(res),
      attributes: { 'gen_ai.embeddings.dimension.count': translated.batches[0]?.requests[0]?.outputDimensionality },
    });
    let responses: GeminiBatchEmbedResponse[];
    try {
      responses = await operation.run(() =>
        mapConcurrent(embedCalls(translated, resolved.model, deps.gemini.backend?.name === 'vertex'), CONCURRENT_BATCHES, async (embedCall) => {
          const raw = await deps.gemini.callModel(resolved.model, embedCall.method, embedCall.body, call);
          return embedCall.method === 'predict' ? checkPredict(raw, embedCall.expected) : checkBatch(raw, embedCall.expected);
        }),
      );
    } catch (error) {
      operation.fail(error);
      throw error;
    }
    const { response, estimatedUsage } = geminiEmbeddingsToOpenAI(responses, translated.inputs, {
      model: parsed.request.model,
      encodingFormat: translated.encodingFormat,
    });
    // Semconv: token usage MUST NOT be reported when the provider gave no count, so an estimate only feeds spend.
    operation.succeed({ usage: inputOnlyUsage(response.usage.prompt_tokens), usageEstimated: estimatedUsage });
    describeRequest(res, { usage: response.usage });
    if (estimatedUsage) res.setHeader('x-sidecar-usage', 'estimated');
    res.json(response);
  };
}

function checkPredict(raw: unknown, expected: number): GeminiBatchEmbedResponse {
  const result = vertexEmbedPredictResponseSchema.safeParse(raw);
  if (!result.success || result.data.predictions.length !== expected) {
    throw new UpstreamUnreachableError(
      `Vertex AI answered an embeddings call of ${expected} with ${result.success ? result.data.predictions.length : 'an unexpected shape'}.`,
      'upstream_bad_response',
    );
  }
  return vertexPredictToGeminiBatch(result.data);
}

function checkBatch(raw: unknown, expected: number): GeminiBatchEmbedResponse {
  const result = geminiBatchEmbedResponseSchema.safeParse(raw);
  if (!result.success || result.data.embeddings.length !== expected) {
    throw new UpstreamUnreachableError(
      `Gemini answered an embeddings batch of ${expected} with ${result.success ? result.data.embeddings.length : 'an unexpected shape'}.`,
      'upstream_bad_response',
    );
  }
  return result.data;
}
