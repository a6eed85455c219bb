import { readCandidateContent } from '../chat-completions/candidate-content';
import type { GeminiGenerateContentResponse } from '../chat-completions/gemini-generate-schema';
import type { OpenAIFinishReason } from '../chat-completions/finish-reason';
import {
  chatFinishReason,
  responseEnding,
  responsesAnnotations,
  responsesUsage,
  signatureItem,
  turnSignatures,
  type ItemIds,
  type OutputItem,
  type ResponseEnding,
  type ResponsesUsage,
} from './responses-output';

/** The output of one non-streamed Gemini answer, as a Responses response carries it. */
export interface ResponsesAnswer extends ResponseEnding {
  output: OutputItem[];
  usage: ResponsesUsage;
  /** The answer's chat `finish_reason`, for the metrics and spans both APIs share. */
  openAIFinishReason: OpenAIFinishReason;
  /** Gemini parts the Responses API has no item for (images, …), for a warning. */
  warnings: string[];
}

/**
 * Gemini `GenerateContentResponse` → Responses output, in OpenAI's order: a reasoning item with the thought summary,
 * the message (`output_text` with `url_citation` annotations), the function calls, and last a reasoning item whose
 * `encrypted_content` carries the thought signatures (see signature-carrier.ts). A blocked prompt is an incomplete
 * response with a refusal, never an empty `completed` one.
 */
export function geminiResponseToResponses(response: GeminiGenerateContentResponse, ids: ItemIds): ResponsesAnswer {
  const usage = responsesUsage(response.usageMetadata);
  const candidate = response.candidates?.[0];
  const blockReason = response.promptFeedback?.blockReason;
  if (!candidate) {
    const refusal = `Gemini blocked the prompt${blockReason ? ` (${blockReason})` : ''}.`;
    return {
      ...responseEnding(null, true),
      output: [{ id: ids.next('msg'), type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'refusal', refusal }] }],
      usage,
      openAIFinishReason: 'content_filter',
      warnings: [],
    };
  }
  const content = readCandidateContent(candidate);
  const ending = responseEnding(candidate.finishReason);
  const output: OutputItem[] = [];
  if (content.reasoning) output.push({ id: ids.next('rs'), type: 'reasoning', summary: [{ type: 'summary_text', text: content.reasoning }] });
  if (content.text || content.toolCalls.length === 0) {
    output.push({
      id: ids.next('msg'),
      type: 'message',
      status: ending.status === 'completed' ? 'completed' : 'incomplete',
      role: 'assistant',
      content: [{ type: 'output_text', text: content.text, annotations: responsesAnnotations(candidate.groundingMetadata, content.text), logprobs: [] }],
    });
  }
  const callIds = content.toolCalls.map((call) => call.id ?? ids.next('call'));
  content.toolCalls.forEach((call, index) => {
    output.push({ id: ids.next('fc'), type: 'function_call', status: 'completed', arguments: JSON.stringify(call.args), call_id: callIds[index]!, name: call.name });
  });
  const carrier = signatureItem(ids, turnSignatures(content, callIds));
  if (carrier) output.push(carrier);
  const openAIFinishReason = chatFinishReason(candidate.finishReason, false, content.toolCalls.length > 0);
  return { ...ending, output, usage, openAIFinishReason, warnings: [...content.unsupported, ...(content.images.length > 0 ? ['inlineData'] : [])] };
}
