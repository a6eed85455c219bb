import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { ClientClosedError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { renderOpenAIError } from '../errors/render-openai-error';
import { inlineRemoteMedia } from '../media/inline-remote-media';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { SseResponse } from '../streaming/sse-response';
import {
  geminiGenerateContentResponseSchema,
  type GeminiGenerateContentResponse,
} from '../translate/chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '../translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '../translate/chat-completions/gemini-stream-translator';
import type { ResponseContext } from '../translate/chat-completions/openai-chat-response';
import { openaiRequestToGemini, type TranslatedChatRequest } from '../translate/chat-completions/openai-request-to-gemini';
import { resolveModel, withAliasDefaults } from '../translate/model-alias';
import { noticeAlias } from './alias-notice';
import { abortOnClientClose, reportIgnoredParams } from './request-context';
import { parseOpenAIChatRequest } from '../translate/chat-completions/parse-openai-chat-request';

/** `POST /v1/chat/completions`: the only code joining HTTP, translation and the Gemini client for chat. */
export function chatCompletionsHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.config.gemini.apiKey);
    const parsed = parseOpenAIChatRequest(req.body);
    const resolved = resolveModel(parsed.request.model, deps.config.models.aliases);
    noticeAlias(deps, parsed.request.model, resolved.alias);
    const request = withAliasDefaults({ ...parsed.request, model: resolved.model }, resolved.alias);
    const translated = openaiRequestToGemini(request, { remoteUrls: deps.config.media.remoteUrls });
    reportIgnoredParams(deps, res, translated.model, [...parsed.unknownKeys, ...translated.warnings]);
    const context: ResponseContext = {
      model: parsed.request.model,
      created: Math.floor(Date.now() / 1000),
      fallbackId: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    };
    if (translated.dummySignatures > 0) {
      deps.logger.info({ model: translated.model, count: translated.dummySignatures }, 'history lacked thought signatures; dummy sent');
    }
    const signal = abortOnClientClose(req, res);
    if (deps.config.media.remoteUrls === 'fetch') await inlineRemoteMedia(translated.geminiRequest, deps.config.media, signal);
    if (translated.stream) await streamCompletion(deps, res, translated, context, { apiKey, signal });
    else await unaryCompletion(deps, res, translated, context, { apiKey, signal });
  };
}

async function unaryCompletion(
  deps: AppDeps,
  res: Response,
  translated: TranslatedChatRequest,
  context: ResponseContext,
  call: { apiKey: string; signal: AbortSignal },
): Promise<void> {
  const raw = await deps.gemini.generateContent(translated.model, translated.geminiRequest, call);
  const { completion, warnings } = geminiResponseToOpenAI(parseGeminiResponse(raw), context);
  if (warnings.length > 0) deps.logger.warn({ warnings, model: translated.model }, 'Gemini response not fully representable');
  res.json(completion);
}

async function streamCompletion(
  deps: AppDeps,
  res: Response,
  translated: TranslatedChatRequest,
  context: ResponseContext,
  call: { apiKey: string; signal: AbortSignal },
): Promise<void> {
  // Errors before this resolves (HTTP status from Gemini, connect failures) still get a proper HTTP status.
  const chunks = await deps.gemini.streamGenerateContent(translated.model, translated.geminiRequest, call);
  const sse = new SseResponse(res);
  const translator = new GeminiStreamTranslator(context, translated.includeUsage);
  sse.open();
  try {
    for await (const raw of chunks) {
      for (const chunk of translator.push(parseGeminiResponse(raw))) await sse.send(chunk);
    }
    const finish = translator.finish();
    if (!finish.complete) {
      throw new UpstreamUnreachableError('Gemini ended the stream before the answer was complete.', 'upstream_stream_truncated');
    }
    for (const chunk of finish.chunks) await sse.send(chunk);
    sse.done();
  } catch (error) {
    if (error instanceof ClientClosedError || call.signal.aborted) {
      deps.logger.debug({ model: translated.model }, 'client closed the stream; upstream aborted');
      return;
    }
    const rendered = renderOpenAIError(error);
    deps.logger.warn({ err: error, status: rendered.status, model: translated.model }, 'stream failed after it started');
    sse.fail(rendered.body);
  } finally {
    if (translator.warnings.length > 0) {
      deps.logger.warn({ warnings: translator.warnings, model: translated.model }, 'Gemini stream not fully representable');
    }
  }
}

function parseGeminiResponse(raw: unknown): GeminiGenerateContentResponse {
  const result = geminiGenerateContentResponseSchema.safeParse(raw);
  if (!result.success) {
    throw new UpstreamUnreachableError('Gemini answered with an unexpected response shape.', 'upstream_bad_response');
  }
  return result.data;
}
