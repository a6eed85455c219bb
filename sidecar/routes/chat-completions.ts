import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { UpstreamUnreachableError } from '../errors/sidecar-error';
import { inlineRemoteMedia } from '../media/inline-remote-media';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { SseResponse } from '../streaming/sse-response';
import { geminiResponseToOpenAI } from '../translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '../translate/chat-completions/gemini-stream-translator';
import type { ResponseContext } from '../translate/chat-completions/openai-chat-response';
import { openaiRequestToGemini, type TranslatedChatRequest } from '../translate/chat-completions/openai-request-to-gemini';
import { parseOpenAIChatRequest } from '../translate/chat-completions/parse-openai-chat-request';
import { resolveModel, withAliasDefaults } from '../translate/model-alias';
import { noticeAlias } from './alias-notice';
import { chatSpanAttributes } from './chat-span-attributes';
import { badResponse } from './gemini-call';
import { generateTranslated, openTranslatedStream } from './chat-upstream';
import { endFailedStream } from './stream-failure';
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
  const parsed = await generateTranslated(deps, translated, call, operation);
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
  const upstream = await openTranslatedStream(deps, translated, call, operation);
  const sse = new SseResponse(res);
  const translator = new GeminiStreamTranslator(context, translated.includeUsage);
  sse.open();
  // Gemini repeats cumulative usageMetadata on every chunk: the last one is the request's usage.
  let lastUsage: GeminiUsage | undefined;
  try {
    for await (const parsed of upstream.chunks) {
      operation.chunk();
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
    endFailedStream(deps, res, sse, operation, thrown, { signal: call.signal, model: translated.model, usage: lastUsage && tokenUsageFromGemini(lastUsage) });
  } finally {
    upstream.close();
    if (translator.warnings.length > 0) {
      deps.logger.warn({ warnings: translator.warnings, model: translated.model }, 'Gemini stream not fully representable');
    }
  }
}
