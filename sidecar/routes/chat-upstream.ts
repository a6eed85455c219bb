import type { GeminiCallOptions } from '../gemini/active-call';
import type { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { CandidateFanIn, mergeFannedOutResponses } from '../translate/chat-completions/candidate-fan-in';
import type { GeminiGenerateContentResponse } from '../translate/chat-completions/gemini-generate-schema';
import type { TranslatedChatRequest } from '../translate/chat-completions/openai-request-to-gemini';
import { FanOut, interleave } from './fan-out';
import { badResponse, callGemini, safeParseGeminiResponse } from './gemini-call';

// The upstream side of a translated chat request, shared by every route built on the chat translation (chat
// completions, legacy completions): one call, or `calls` parallel calls merged into one multi-candidate answer.

/** The Gemini answer to a translated chat request, fanned-out calls merged; undefined when one was not shaped like a response. */
export async function generateTranslated(
  deps: Pick<AppDeps, 'gemini' | 'lifecycle'>,
  translated: TranslatedChatRequest,
  call: GeminiCallOptions & { signal: AbortSignal },
  operation: GenAIOperation,
): Promise<GeminiGenerateContentResponse | undefined> {
  return callGemini(deps, operation, async () => {
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
}

/** An opened upstream stream: its parsed chunks, and `close()` to run when the route is done with it. */
export interface OpenedStream {
  chunks: AsyncIterable<GeminiGenerateContentResponse>;
  close(): void;
}

/**
 * Opens the stream(s) of a translated chat request. Errors before this resolves (HTTP status from Gemini, connect
 * failures) still get a proper HTTP status; a chunk not shaped like a response fails the iteration.
 */
export async function openTranslatedStream(
  deps: Pick<AppDeps, 'gemini' | 'lifecycle'>,
  translated: TranslatedChatRequest,
  call: GeminiCallOptions & { signal: AbortSignal },
  operation: GenAIOperation,
): Promise<OpenedStream> {
  const fan = translated.calls > 1 ? new FanOut(translated.calls, call.signal) : undefined;
  const open = (each: GeminiCallOptions) => deps.gemini.streamGenerateContent(translated.model, translated.geminiRequest, each);
  try {
    const chunks = fan ? fannedIn(fan.calls, await callGemini(deps, operation, () => fan.start(call, open))) : parsed(await callGemini(deps, operation, () => open(call)));
    return {
      chunks,
      close() {
        fan?.abort();
        fan?.dispose();
      },
    };
  } catch (error) {
    fan?.dispose();
    throw error;
  }
}

async function* parsed(raws: AsyncIterable<unknown>): AsyncGenerator<GeminiGenerateContentResponse> {
  for await (const raw of raws) {
    const chunk = safeParseGeminiResponse(raw);
    if (!chunk) throw badResponse();
    yield chunk;
  }
}

/** The chunks of `calls` parallel streams as one stream: call i's candidate becomes choice i, usage summed. */
async function* fannedIn(calls: number, streams: ReadonlyArray<AsyncIterable<unknown>>): AsyncGenerator<GeminiGenerateContentResponse> {
  const fanIn = new CandidateFanIn(calls);
  for await (const [index, raw] of interleave(streams)) {
    const chunk = safeParseGeminiResponse(raw);
    if (!chunk) throw badResponse();
    yield fanIn.relabel(index, chunk);
  }
}
