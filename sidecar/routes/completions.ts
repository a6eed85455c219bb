import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { UpstreamUnreachableError } from '../errors/sidecar-error';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { SseResponse } from '../streaming/sse-response';
import { geminiResponseToOpenAI } from '../translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '../translate/chat-completions/gemini-stream-translator';
import type { ResponseContext } from '../translate/chat-completions/openai-chat-response';
import { openaiRequestToGemini, type TranslatedChatRequest } from '../translate/chat-completions/openai-request-to-gemini';
import {
  ChatChunkToTextCompletion,
  chatCompletionToTextChoices,
  completionIdFromChat,
  sumOpenAIUsage,
  type OpenAITextCompletion,
} from '../translate/completions/chat-to-text-completion';
import { parseOpenAICompletionsRequest } from '../translate/completions/openai-completions-schema';
import { openaiCompletionsToChat, type CompletionsAsChat } from '../translate/completions/openai-completions-to-chat';
import { withResolvedModel } from './alias-notice';
import { chatSpanAttributes } from './chat-span-attributes';
import { generateTranslated, openTranslatedStream, type OpenedStream } from './chat-upstream';
import { interleave } from './fan-out';
import { badResponse } from './gemini-call';
import { ModelCapabilitiesSource } from './model-capabilities-source';
import { abortOnClientClose, consumerOf, describeRequest, reportIgnoredParams } from './request-context';
import { vertexLabelsFor } from './vertex-labels';
import { sumTokenUsage, tokenUsageFromGemini, type TokenUsage } from '../spend/token-usage';
import { endFailedStream } from './stream-failure';

interface Call {
  apiKey: string | undefined;
  signal: AbortSignal;
  labels?: Record<string, string>;
}

/** What the unary and streamed paths share: the plan, one translated chat request per prompt, the response context. */
interface Plan {
  asChat: CompletionsAsChat;
  translated: TranslatedChatRequest[];
  context: ResponseContext;
  model: string;
}

/**
 * `POST /v1/completions` (legacy): each prompt goes through the chat translation and the chat upstream path, and the
 * chat objects are reshaped into `text_completion`s.
 */
export function completionsHandler(deps: AppDeps): RequestHandler {
  const capabilities = new ModelCapabilitiesSource(deps);
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const parsed = parseOpenAICompletionsRequest(req.body);
    const request = withResolvedModel(deps, parsed.request);
    const asChat = openaiCompletionsToChat(request);
    const options = { remoteUrls: deps.config.media.remoteUrls, capabilities: capabilities.resolve(request.model, apiKey), fanOutCandidates: deps.config.models.fanOutCandidates };
    const translated = asChat.chatRequests.map((chat) => openaiRequestToGemini(chat, options));
    const first = translated[0]!;
    // The least thinking is the sidecar's default, not the caller's choice: a model without a knob draws no warning for it.
    const warnings = first.warnings.filter((param) => param !== 'reasoning_effort' || request.reasoning_effort != null);
    const { labels, used } = vertexLabelsFor(deps, req, res, request);
    reportIgnoredParams(deps, res, first.model, parsed.unknownKeys, [...asChat.warnings, ...warnings].filter((param) => !used.includes(param)));
    describeRequest(res, { model: parsed.request.model, stream: first.stream });
    const plan: Plan = {
      asChat,
      translated,
      model: first.model,
      context: { model: parsed.request.model, created: Math.floor(Date.now() / 1000), fallbackId: `chatcmpl-${randomUUID().replaceAll('-', '')}` },
    };
    const call = { apiKey, signal: abortOnClientClose(req, res, deps.lifecycle.forceStop.signal), labels };
    const operation = new GenAIOperation(deps.metrics, deps.tracer, {
      operation: 'text_completion',
      model: first.model,
      stream: first.stream,
      consumer: consumerOf(res),
      attributes: chatSpanAttributes(asChat.chatRequests[0]!, deps.config.tracing.captureContent),
    });
    if (first.stream) await streamCompletions(deps, res, plan, call, operation);
    else await unaryCompletions(deps, res, plan, call, operation);
  };
}

async function unaryCompletions(deps: AppDeps, res: Response, plan: Plan, call: Call, operation: GenAIOperation): Promise<void> {
  const responses = await Promise.all(plan.translated.map((translated) => generateTranslated(deps, translated, call, operation)));
  const choices = [];
  const usages = [];
  let id: string | undefined;
  for (const [promptIndex, response] of responses.entries()) {
    if (!response) {
      const error = badResponse();
      operation.fail(error);
      throw error;
    }
    const { completion, warnings } = geminiResponseToOpenAI(response, plan.context);
    if (warnings.length > 0) deps.logger.warn({ warnings, model: plan.model }, 'Gemini response not fully representable');
    id ??= completion.id;
    choices.push(...chatCompletionToTextChoices(completion, placement(plan, promptIndex)));
    usages.push(completion.usage);
  }
  choices.sort((left, right) => left.index - right.index);
  const usage = sumOpenAIUsage(usages);
  const finishReasons = choices.flatMap((choice) => (choice.finish_reason ? [choice.finish_reason] : []));
  const billed = sumTokenUsage(responses.map((response) => (response?.usageMetadata ? tokenUsageFromGemini(response.usageMetadata) : undefined)));
  operation.succeed({ responseId: responses[0]?.responseId ?? undefined, responseModel: responses[0]?.modelVersion ?? undefined, finishReasons, ...(billed ? { usage: billed } : {}) });
  describeRequest(res, { finishReasons, usage });
  const body: OpenAITextCompletion = { id: completionIdFromChat(id ?? plan.context.fallbackId), object: 'text_completion', created: plan.context.created, model: plan.context.model, choices, usage };
  res.json(body);
}

async function streamCompletions(deps: AppDeps, res: Response, plan: Plan, call: Call, operation: GenAIOperation): Promise<void> {
  const opened: OpenedStream[] = [];
  try {
    for (const translated of plan.translated) opened.push(await openTranslatedStream(deps, translated, call, operation));
  } catch (error) {
    for (const stream of opened) stream.close();
    throw error;
  }
  const includeUsage = plan.translated[0]!.includeUsage;
  // Usage is summed over the prompts and sent once, so no per-prompt translator adds its own usage chunk.
  const translators = plan.translated.map(() => new GeminiStreamTranslator(plan.context, false));
  const renderers = plan.translated.map((_, promptIndex) => new ChatChunkToTextCompletion(placement(plan, promptIndex)));
  const sse = new SseResponse(res);
  sse.open();
  // Gemini repeats cumulative usageMetadata on every chunk: each prompt's last one is its usage.
  const lastUsage: Array<TokenUsage | undefined> = plan.translated.map(() => undefined);
  try {
    for await (const [promptIndex, chunk] of interleave(opened.map((stream) => stream.chunks))) {
      operation.chunk();
      if (chunk.usageMetadata) lastUsage[promptIndex] = tokenUsageFromGemini(chunk.usageMetadata);
      const rendered = translators[promptIndex]!.push(chunk).flatMap((chat) => renderers[promptIndex]!.push(chat) ?? []);
      const full = sse.sendAll(rendered);
      if (full) await full;
    }
    if (!translators.every((translator) => translator.finish().complete)) {
      throw new UpstreamUnreachableError('Gemini ended the stream before the answer was complete.', 'upstream_stream_truncated');
    }
    const usage = sumOpenAIUsage(translators.flatMap((translator) => translator.usage() ?? []));
    const finishReasons = translators.flatMap((translator) => translator.finishReasons);
    if (includeUsage) {
      const id = completionIdFromChat(translators[0]!.responseId ? `chatcmpl-${translators[0]!.responseId}` : plan.context.fallbackId);
      await sse.send({ id, object: 'text_completion', created: plan.context.created, model: plan.context.model, choices: [], usage });
    }
    const billed = sumTokenUsage(lastUsage);
    operation.succeed({ responseId: translators[0]!.responseId, responseModel: translators[0]!.modelVersion, finishReasons, ...(billed ? { usage: billed } : {}) });
    describeRequest(res, { finishReasons, usage });
    sse.done();
  } catch (thrown) {
    endFailedStream(deps, res, sse, operation, thrown, { signal: call.signal, model: plan.model, usage: sumTokenUsage(lastUsage) });
  } finally {
    for (const stream of opened) stream.close();
    const warnings = translators.flatMap((translator) => translator.warnings);
    if (warnings.length > 0) deps.logger.warn({ warnings, model: plan.model }, 'Gemini stream not fully representable');
  }
}

function placement(plan: Plan, promptIndex: number) {
  return { promptIndex, n: plan.asChat.n, ...(plan.asChat.echo ? { echo: plan.asChat.prompts[promptIndex] ?? '' } : {}) };
}
