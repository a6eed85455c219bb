import type { Request, RequestHandler, Response } from 'express';
import { ClientClosedError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { renderOpenAIError } from '../errors/render-openai-error';
import { inlineRemoteMedia } from '../media/inline-remote-media';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { ShuttingDownError } from '../server/lifecycle';
import { SseResponse } from '../streaming/sse-response';
import { randomHex } from '../util/random-hex';
import { resolveModel } from '../translate/model-alias';
import { parseRequestBody } from '../translate/parse-with-param';
import { geminiResponseToResponses } from '../translate/responses/gemini-response-to-responses';
import { openAIResponsesRequestSchema, type OpenAIResponsesRequest } from '../translate/responses/openai-responses-schema';
import { plainResponsesRequest } from '../translate/responses/openai-responses-fast-path';
import { echoSettings, responseObject, type ResponseContext, type ResponseObject } from '../translate/responses/response-object';
import { responsesRequestToGemini, type TranslatedResponsesRequest } from '../translate/responses/responses-request-to-gemini';
import { ItemIds } from '../translate/responses/responses-output';
import { ResponsesStreamTranslator } from '../translate/responses/responses-stream-translator';
import { noticeAlias } from './alias-notice';
import { responsesSpanAttributes } from './chat-span-attributes';
import { badResponse, callGemini, safeParseGeminiResponse } from './gemini-call';
import { ModelCapabilitiesSource } from './model-capabilities-source';
import { abortOnClientClose, consumerOf, describeRequest, reportDummySignatures, reportIgnoredParams } from './request-context';
import { tokenUsageFromGemini } from '../spend/token-usage';
import type { GeminiUsage } from '../translate/chat-completions/gemini-generate-schema';
import { ResponsesState } from './responses-state';
import { vertexLabelsFor } from './vertex-labels';

interface Call {
  apiKey: string | undefined;
  signal: AbortSignal;
  labels?: Record<string, string>;
}

/** A Responses request translated, with everything the unary and streaming paths share. */
interface Prepared {
  request: OpenAIResponsesRequest;
  translated: TranslatedResponsesRequest;
  context: ResponseContext;
  settings: Record<string, unknown>;
  ids: ItemIds;
  call: Call;
  operation: GenAIOperation;
  tenant: string;
}

function newResponseId(): string {
  return `resp_${randomHex(24)}`;
}

/** `POST /v1/responses` and `POST /v1/responses/input_tokens`: the Responses API over Gemini's generateContent / countTokens. */
export function responsesHandlers(deps: AppDeps, state = new ResponsesState(deps)): { create: RequestHandler; inputTokens: RequestHandler } {
  const capabilities = new ModelCapabilitiesSource(deps);

  const translate = async (req: Request, res: Response, apiKey: string | undefined) => {
    const parsed = parseRequestBody(openAIResponsesRequestSchema, req.body, plainResponsesRequest);
    const request = parsed.request;
    const resolved = resolveModel(request.model, deps.config.models.aliases);
    noticeAlias(deps, request.model, resolved.alias);
    // The tenant is a hash of the credential, needed only when the store is read or written.
    const tenant = state.configured && (request.previous_response_id || state.willStore(request)) ? state.tenantOf(req.headers) : '';
    const history = request.previous_response_id ? await state.history(tenant, request.previous_response_id) : [];
    const translated = responsesRequestToGemini({ ...request, model: resolved.model }, history, {
      remoteUrls: deps.config.media.remoteUrls,
      capabilities: capabilities.resolve(resolved.model, apiKey),
      fanOutCandidates: false,
    });
    const { labels, used } = vertexLabelsFor(deps, req, res, request);
    reportIgnoredParams(deps, res, translated.model, parsed.unknownKeys, translated.warnings.filter((param) => !used.includes(param)));
    reportDummySignatures(deps, translated.model, translated.dummySignatures);
    return { request, translated, tenant, labels };
  };

  const create: RequestHandler = async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const { request, translated, tenant, labels } = await translate(req, res, apiKey);
    describeRequest(res, { model: request.model, stream: translated.stream });
    const stored = state.willStore(request);
    if (request.store !== false && !state.configured) res.setHeader('x-sidecar-response-store', 'not-configured');
    const context: ResponseContext = { id: newResponseId(), createdAt: Math.floor(Date.now() / 1000), model: request.model, stored };
    const signal = abortOnClientClose(req, res, deps.lifecycle.forceStop.signal);
    if (deps.config.media.remoteUrls === 'fetch') await inlineRemoteMedia(translated.geminiRequest, deps.config.media, signal);
    const operation = new GenAIOperation(deps.metrics, deps.tracer, {
      operation: 'chat',
      model: translated.model,
      stream: translated.stream,
      consumer: consumerOf(res),
      attributes: responsesSpanAttributes(request, translated.input, deps.config.tracing.captureContent),
    });
    const prepared: Prepared = { request, translated, context, settings: echoSettings(request, context), ids: new ItemIds(context.id), call: { apiKey, signal, labels }, operation, tenant };
    if (translated.stream) await streamResponse(deps, res, prepared, state);
    else await unaryResponse(deps, res, prepared, state);
  };

  const inputTokens: RequestHandler = async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const { translated } = await translate(req, res, apiKey);
    const { contents, systemInstruction, tools, toolConfig, generationConfig } = translated.geminiRequest;
    // countTokens takes the whole request only in this form: systemInstruction and tools are refused next to `contents`.
    const body = { generateContentRequest: { model: `models/${translated.model}`, contents, systemInstruction, tools, toolConfig, generationConfig } };
    const raw = (await deps.gemini.callModel(translated.model, 'countTokens', body, { apiKey, signal: abortOnClientClose(req, res) })) as { totalTokens?: unknown };
    if (typeof raw?.totalTokens !== 'number') throw badResponse();
    res.json({ object: 'response.input_tokens', input_tokens: raw.totalTokens });
  };

  return { create, inputTokens };
}

async function unaryResponse(deps: AppDeps, res: Response, prepared: Prepared, state: ResponsesState): Promise<void> {
  const { translated, operation, call, context } = prepared;
  const parsed = safeParseGeminiResponse(await callGemini(deps, operation, () => deps.gemini.generateContent(translated.model, translated.geminiRequest, call)));
  if (!parsed) {
    const error = badResponse();
    operation.fail(error);
    throw error;
  }
  const answer = geminiResponseToResponses(parsed, prepared.ids);
  if (answer.warnings.length > 0) deps.logger.warn({ warnings: answer.warnings, model: translated.model }, 'Gemini response not fully representable');
  const response = responseObject(prepared.settings, context, {
    status: answer.status,
    output: answer.output,
    usage: answer.usage,
    ending: answer,
    completedAt: Math.floor(Date.now() / 1000),
  });
  if (deps.config.tracing.captureContent) operation.span.setAttribute('gen_ai.output.messages', JSON.stringify(answer.output));
  const finishReasons = [answer.openAIFinishReason];
  operation.succeed({
    responseId: parsed.responseId ?? undefined,
    responseModel: parsed.modelVersion ?? undefined,
    finishReasons,
    ...(parsed.usageMetadata ? { usage: tokenUsageFromGemini(parsed.usageMetadata) } : {}),
  });
  describeRequest(res, { finishReasons, usage: chatUsage(answer.usage) });
  await finishStoring(deps, res, prepared, state, response);
  res.json(response);
}

async function streamResponse(deps: AppDeps, res: Response, prepared: Prepared, state: ResponsesState): Promise<void> {
  const { translated, operation, call, context } = prepared;
  const chunks = await callGemini(deps, operation, () => deps.gemini.streamGenerateContent(translated.model, translated.geminiRequest, call));
  const translator = new ResponsesStreamTranslator(prepared.settings, context, prepared.ids);
  const sse = new SseResponse(res, true);
  sse.open(res.getHeaders() as Record<string, string>);
  let lastUsage: GeminiUsage | undefined;
  try {
    await sse.sendAll(translator.start());
    for await (const raw of chunks) {
      operation.chunk();
      const parsed = safeParseGeminiResponse(raw);
      if (!parsed) throw badResponse();
      if (parsed.usageMetadata) lastUsage = parsed.usageMetadata;
      const full = sse.sendAll(translator.push(parsed));
      if (full) await full;
    }
    const finish = translator.finish(Math.floor(Date.now() / 1000));
    if (!finish.complete) throw new UpstreamUnreachableError('Gemini ended the stream before the answer was complete.', 'upstream_stream_truncated');
    // The terminal event's response is what gets stored, so a store failure can still say `store: false` in it.
    const final = finish.events.at(-1)!.response as ResponseObject;
    await state.save(prepared.tenant, prepared.translated.input, final, prepared.request).catch((error: unknown) => {
      deps.logger.warn({ err: error, responseId: context.id }, 'response not stored');
      final.store = false;
    });
    await sse.sendAll(finish.events);
    const usage = final.usage;
    const finishReasons = [translator.openAIFinishReason];
    operation.succeed({
      responseId: translator.responseId,
      responseModel: translator.modelVersion,
      finishReasons,
      ...(lastUsage ? { usage: tokenUsageFromGemini(lastUsage) } : {}),
    });
    describeRequest(res, { finishReasons, ...(usage ? { usage: chatUsage(usage) } : {}) });
    sse.end();
  } catch (thrown) {
    const error = deps.lifecycle.errorFor(thrown);
    const closed = !(error instanceof ShuttingDownError) && (error instanceof ClientClosedError || call.signal.aborted);
    operation.fail(closed ? new ClientClosedError() : error, lastUsage ? tokenUsageFromGemini(lastUsage) : undefined);
    if (closed) return;
    const rendered = renderOpenAIError(error);
    deps.logger.warn({ err: error, status: rendered.status, model: translated.model }, 'responses stream failed after it started');
    describeRequest(res, { streamError: rendered.body.error.code ?? rendered.body.error.type });
    await sse.sendAll(translator.fail(rendered.body.error));
    sse.end();
  } finally {
    if (translator.warnings.length > 0) deps.logger.warn({ warnings: translator.warnings, model: translated.model }, 'Gemini stream not fully representable');
  }
}

/** Stores a finished unary response when asked; a store failure is logged and the answer says it was not stored. */
async function finishStoring(deps: AppDeps, res: Response, prepared: Prepared, state: ResponsesState, response: ResponseObject): Promise<void> {
  try {
    await state.save(prepared.tenant, prepared.translated.input, response, prepared.request);
  } catch (error) {
    deps.logger.warn({ err: error, responseId: response.id }, 'response not stored');
    response.store = false;
    res.setHeader('x-sidecar-response-store', 'failed');
  }
}

function chatUsage(usage: { input_tokens: number; output_tokens: number; total_tokens: number }) {
  return { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens };
}

