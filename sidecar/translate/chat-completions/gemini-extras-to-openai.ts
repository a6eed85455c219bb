import type { CandidateImage, CandidateToolCall } from './candidate-content';
import type { GeminiCandidate, GeminiGroundingMetadata } from './gemini-generate-schema';
import {
  generatedToolCallId,
  type OpenAIImage,
  type OpenAILogprobs,
  type OpenAIResponseToolCall,
  type OpenAIUrlCitation,
  type ResponseContext,
} from './openai-chat-response';

/**
 * functionCall parts → OpenAI tool calls. `arguments` is always a JSON object string ("{}" when Gemini sent no args);
 * the part's thought signature leaves as `extra_content.google.thought_signature`, Google's compat convention, so a
 * client that echoes the message back returns it on the same call.
 */
export function geminiToolCallsToOpenAI(
  calls: readonly CandidateToolCall[],
  context: ResponseContext,
  firstPosition: number,
): OpenAIResponseToolCall[] {
  return calls.map((call, offset) => ({
    id: call.id ?? generatedToolCallId(context, firstPosition + offset),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args) },
    ...(call.thoughtSignature ? { extra_content: { google: { thought_signature: call.thoughtSignature } } } : {}),
  }));
}

/** inlineData images → `images[]` data URLs (the OpenRouter / LiteLLM convention). */
export function geminiImagesToOpenAI(images: readonly CandidateImage[], firstIndex = 0): OpenAIImage[] {
  return images.map((image, offset) => ({
    type: 'image_url',
    image_url: { url: `data:${image.mimeType};base64,${image.data}` },
    index: firstIndex + offset,
  }));
}

/** `logprobsResult` → OpenAI `logprobs.content[]` (chosen token plus its top alternatives, position by position). */
export function geminiLogprobsToOpenAI(result: GeminiCandidate['logprobsResult']): OpenAILogprobs | null {
  if (!result?.chosenCandidates) return null;
  const encoder = new TextEncoder();
  const entry = (token: string, logprob: number) => ({ token, logprob, bytes: Array.from(encoder.encode(token)) });
  return {
    content: result.chosenCandidates.map((chosen, position) => ({
      ...entry(chosen.token ?? '', chosen.logProbability ?? 0),
      top_logprobs: (result.topCandidates?.[position]?.candidates ?? []).map((top) =>
        entry(top.token ?? '', top.logProbability ?? 0),
      ),
    })),
    refusal: [],
  };
}

/**
 * Search grounding → `url_citation` annotations: one per (supported segment, cited web chunk). Gemini counts segment
 * offsets in bytes of the UTF-8 answer; they are passed on as given.
 */
export function geminiGroundingToAnnotations(grounding: GeminiGroundingMetadata | null | undefined): OpenAIUrlCitation[] {
  const chunks = grounding?.groundingChunks ?? [];
  const annotations: OpenAIUrlCitation[] = [];
  for (const support of grounding?.groundingSupports ?? []) {
    for (const chunkIndex of support.groundingChunkIndices ?? []) {
      const web = chunks[chunkIndex]?.web;
      if (!web?.uri) continue;
      annotations.push({
        type: 'url_citation',
        url_citation: {
          url: web.uri,
          title: web.title ?? web.uri,
          start_index: support.segment?.startIndex ?? 0,
          end_index: support.segment?.endIndex ?? 0,
        },
      });
    }
  }
  if (annotations.length === 0) {
    for (const chunk of chunks) {
      if (chunk.web?.uri) {
        annotations.push({ type: 'url_citation', url_citation: { url: chunk.web.uri, title: chunk.web.title ?? chunk.web.uri, start_index: 0, end_index: 0 } });
      }
    }
  }
  return annotations;
}
