import { readCandidateContent } from './candidate-content';
import { mapGeminiFinishReason, needsNativeFinishReason } from './finish-reason';
import {
  geminiGroundingToAnnotations,
  geminiImagesToOpenAI,
  geminiLogprobsToOpenAI,
  geminiToolCallsToOpenAI,
} from './gemini-extras-to-openai';
import type { GeminiGenerateContentResponse } from './gemini-generate-schema';
import {
  completionId,
  type OpenAIChatChoice,
  type OpenAIChatCompletion,
  type ResponseContext,
} from './openai-chat-response';
import { geminiUsageToOpenAI } from './usage';

/** A translated response plus what had to be left out. */
export interface TranslatedChatResponse {
  completion: OpenAIChatCompletion;
  warnings: string[];
}

/**
 * Native GenerateContentResponse → `chat.completion`. A blocked prompt comes back as HTTP 200 with no candidates and
 * `promptFeedback.blockReason` (https://ai.google.dev/api/generate-content#PromptFeedback); it becomes one choice with
 * null content and `content_filter`, as OpenAI reports a filtered answer.
 */
export function geminiResponseToOpenAI(
  response: GeminiGenerateContentResponse,
  context: ResponseContext,
): TranslatedChatResponse {
  const warnings: string[] = [];
  const candidates = response.candidates ?? [];
  let toolCallPosition = 0;
  const choices: OpenAIChatChoice[] = candidates.map((candidate, position) => {
    const content = readCandidateContent(candidate);
    for (const kind of content.unsupported) warnings.push(`dropped Gemini part '${kind}'`);
    const reason = candidate.finishReason ?? 'STOP';
    const mapped = mapGeminiFinishReason(reason, content.toolCalls.length > 0);
    if (!mapped.known) warnings.push(`unknown Gemini finishReason '${reason}'`);
    const toolCalls = geminiToolCallsToOpenAI(content.toolCalls, context, toolCallPosition);
    toolCallPosition += toolCalls.length;
    const annotations = geminiGroundingToAnnotations(candidate.groundingMetadata);
    return {
      index: candidate.index ?? position,
      message: {
        role: 'assistant',
        content: content.text.length > 0 ? content.text : null,
        refusal: null,
        ...(content.reasoning.length > 0 ? { reasoning_content: content.reasoning } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        ...(content.images.length > 0 ? { images: geminiImagesToOpenAI(content.images) } : {}),
        ...(annotations.length > 0 ? { annotations } : {}),
        ...(content.textSignature ? { extra_content: { google: { thought_signature: content.textSignature } } } : {}),
      },
      logprobs: geminiLogprobsToOpenAI(candidate.logprobsResult),
      finish_reason: mapped.finish_reason,
      ...(needsNativeFinishReason(reason) ? { native_finish_reason: reason } : {}),
    };
  });
  if (choices.length === 0) {
    const blockReason = response.promptFeedback?.blockReason;
    if (!blockReason) warnings.push('Gemini returned no candidates and no blockReason');
    choices.push({
      index: 0,
      message: { role: 'assistant', content: null, refusal: null },
      logprobs: null,
      finish_reason: blockReason ? 'content_filter' : 'stop',
      ...(blockReason ? { native_finish_reason: `PROMPT_BLOCKED:${blockReason}` } : {}),
    });
  }
  choices.sort((left, right) => left.index - right.index);
  return {
    completion: {
      id: completionId(response.responseId, context),
      object: 'chat.completion',
      created: context.created,
      model: context.model,
      choices,
      usage: geminiUsageToOpenAI(response.usageMetadata),
    },
    warnings,
  };
}
