import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ClientClosedError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { renderOpenAIError } from '../errors/render-openai-error';
import { inlineRemoteMedia } from '../media/inline-remote-media';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { ShuttingDownError } from '../server/lifecycle';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { SseResponse } from '../streaming/sse-response';
import type { GeminiGenerateContentResponse } from '../translate/chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '../translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '../translate/chat-completions/gemini-stream-translator';
import type { ResponseContext } from '../translate/chat-completions/openai-chat-response';
import { openaiRequestToGemini, type TranslatedChatRequest } from '../translate/chat-completions/openai-request-to-gemini';
import { parseOpenAIChatRequest } from '../translate/chat-completions/parse-openai-chat-request';
import { resolveModel, withAliasDefaults } from '../translate/model-alias';
import { noticeAlias } from './alias-notice';
import type { GeminiCallOptions } from '../gemini/active-call';
import { CandidateFanIn, mergeFannedOutResponses } from '../translate/chat-completions/candidate-fan-in';
import { chatSpanAttributes } from './chat-span-attributes';
import { badResponse, callGemini, safeParseGeminiResponse } from './gemini-call';
import { FanOut, interleave } from './fan-out';
import { ModelCapabilitiesSource } from './model-capabilities-source';
import { abortOnClientClose, consumerOf, describeRequest, reportDummySignatures, reportIgnoredParams } from './request-context';
import { vertexLabelsFor } from './vertex-labels';
import { tokenUsageFromGemini } from '../spend/token-usage';
import type { GeminiUsage } from '../translate/chat-completions/gemini-generate-schema';

interface Call {
  apiKey: string | undefined;
  signal: AbortSignal;
  labels?: Record<string, string>;
}

/** `POST /v1/chat/completions`: the only code joining HTTP, translation and the Gemini client for chat. */
export function chatCompletionsHandler(deps: AppDeps): RequestHandler {
  const capabilities = new ModelCapabilitiesSource(deps);
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const parsed = parseOpenAIChatRequest(req.body);
    const resolved = resolveModel(parsed.request.model, deps.config.models.aliases);
    noticeAlias(deps, parsed.request.model, resolved.alias);
    const request = withAliasDefaults({ ...parsed.request, model: resolved.model }, resolved.alias);
    const translated = openaiRequestToGemini(request, {
      remoteUrls: deps.config.media.remoteUrls,
      capabilities: capabilities.resolve(resolved.model, apiKey),
      fanOutCandidates: deps.config.models.fanOutCandidates,
    });
    const { labels, used } = vertexLabelsFor(deps, req, res, request);
    reportIgnoredParams(deps, res, translated.model, parsed.unknownKeys, translated.warnings.filter((param) => !used.includes(param)));
    describeRequest(res, { model: parsed.request.model, stream: translated.stream });
    reportDummySignatures(deps, translated.model, translated.dummySignatures);
    const context: ResponseContext = {
      model: parsed.request.model,
      created: Math.floor(Date.now() / 1000),
      fallbackId: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    };
    const signal = abortOnClientClose(req, res, deps.lifecycle.forceStop.signal);
    if (deps.config.media.remoteUrls === 'fetch') await inlineRemoteMedia(translated.geminiRequest, deps.config.media, signal);
    const operation = new GenAIOperation(deps.metrics, deps.tracer, {
      operation: 'chat',
      model: translated.model,
      stream: translated.stream,
      consumer: consumerOf(res),
      attributes: chatSpanAttributes(request, deps.config.tracing.captureContent),
    });
    if (translated.stream) await streamCompletion(deps, res, translated, context, { apiKey, signal, labels }, operation);
    else await unaryCompletion(deps, res, translated, context, { apiKey, signal, labels }, operation);
  };
}

async function unaryCompletion(
  deps: AppDeps,
  res: Response,
  translated: TranslatedChatRequest,
  context: ResponseContext,
  call: Call,
  operation: GenAIOperation,
): Promise<void> {
  const parsed = await callGemini(deps, operation, async () => {
    if (translated.calls === 1) return safeParseGeminiResponse(await deps.gemini.generateContent(translated.model, translated.geminiRequest, call));
    const fan = new FanOut(translated.calls, call.signal);
    try {
      const raws = await fan.start(call, (each) => deps.gemini.generateContent(translated.model, translated.geminiRequest, each));
      const responses = raws.map(safeParseGeminiResponse);
      return responses.every((response) => response !== undefined) ? mergeFannedOutResponses(responses) : undefined;
    } finally {
      fan.dispose();
    }
  });
  if (!parsed) {
    const error = badResponse();
    operation.fail(error);
    throw error;
  }
  const { completion, warnings } = geminiResponseToOpenAI(parsed, context);
  if (warnings.length > 0) deps.logger.warn({ warnings, model: translated.model }, 'Gemini response not fully representable');
  const finishReasons = completion.choices.map((choice) => choice.finish_reason);
  if (deps.config.tracing.captureContent) {
    operation.span.setAttribute('gen_ai.output.messages', JSON.stringify(completion.choices.map((choice) => choice.message)));
  }
  operation.succeed({
    responseId: parsed.responseId ?? undefined,
    responseModel: parsed.modelVersion ?? undefined,
    finishReasons,
    ...(parsed.usageMetadata ? { usage: tokenUsageFromGemini(parsed.usageMetadata) } : {}),
  });
  describeRequest(res, { finishReasons, usage: completion.usage });
  res.json(completion);
}

async function streamCompletion(
  deps: AppDeps,
  res: Response,
  translated: TranslatedChatRequest,
  context: ResponseContext,
  call: Call,
  operation: GenAIOperation,
): Promise<void> {
  // Errors before this resolves (HTTP status from Gemini, connect failures) still get a proper HTTP status.
  const fan = translated.calls > 1 ? new FanOut(translated.calls, call.signal) : undefined;
  const open = (each: GeminiCallOptions) => deps.gemini.streamGenerateContent(translated.model, translated.geminiRequest, each);
  let chunks: AsyncIterable<unknown>;
  try {
    chunks = fan ? fannedIn(fan.calls, await callGemini(deps, operation, () => fan.start(call, open))) : await callGemini(deps, operation, () => open(call));
  } catch (error) {
    fan?.dispose();
    throw error;
  }
  const sse = new SseResponse(res);
  const translator = new GeminiStreamTranslator(context, translated.includeUsage);
  sse.open();
  // Gemini repeats cumulative usageMetadata on every chunk: the last one is the request's usage.
  let lastUsage: GeminiUsage | undefined;
  try {
    for await (const raw of chunks) {
      operation.chunk();
      const parsed = safeParseGeminiResponse(raw);
      if (!parsed) throw badResponse();
      if (parsed.usageMetadata) lastUsage = parsed.usageMetadata;
      const full = sse.sendAll(translator.push(parsed));
      if (full) await full;
    }
    const finish = translator.finish();
    if (!finish.complete) {
      throw new UpstreamUnreachableError('Gemini ended the stream before the answer was complete.', 'upstream_stream_truncated');
    }
    await sse.sendAll(finish.chunks);
    const usage = translator.usage();
    operation.succeed({
      responseId: translator.responseId,
      responseModel: translator.modelVersion,
      finishReasons: translator.finishReasons,
      ...(lastUsage ? { usage: tokenUsageFromGemini(lastUsage) } : {}),
    });
    describeRequest(res, { finishReasons: translator.finishReasons, usage });
    sse.done();
  } catch (thrown) {
    const error = deps.lifecycle.errorFor(thrown);
    const closed = !(error instanceof ShuttingDownError) && (error instanceof ClientClosedError || call.signal.aborted);
    operation.fail(closed ? new ClientClosedError() : error, lastUsage ? tokenUsageFromGemini(lastUsage) : undefined);
    if (closed) {
      deps.logger.debug({ model: translated.model }, 'client closed the stream; upstream aborted');
      return;
    }
    const rendered = renderOpenAIError(error);
    deps.logger.warn({ err: error, status: rendered.status, model: translated.model }, 'stream failed after it started');
    describeRequest(res, { streamError: rendered.body.error.code ?? rendered.body.error.type });
    sse.fail(rendered.body);
  } finally {
    fan?.abort();
    fan?.dispose();
    if (translator.warnings.length > 0) {
      deps.logger.warn({ warnings: translator.warnings, model: translated.model }, 'Gemini stream not fully representable');
    }
  }
}

/** The chunks of `calls` parallel streams as one stream: call i's candidate becomes choice i, usage summed. */
async function* fannedIn(calls: number, streams: ReadonlyArray<AsyncIterable<unknown>>): AsyncGenerator<GeminiGenerateContentResponse> {
  const fanIn = new CandidateFanIn(calls);
  for await (const [index, raw] of interleave(streams)) {
    const parsed = safeParseGeminiResponse(raw);
    if (!parsed) throw badResponse();
    yield fanIn.relabel(index, parsed);
  }
}
