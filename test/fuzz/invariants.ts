import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import type { GeminiGenerateContentRequest, GeminiGenerateContentResponse } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import type { OpenAIChatCompletion, OpenAIChatCompletionChunk } from '@sidecar/translate/chat-completions/openai-chat-response';
import type { StreamFinish } from '@sidecar/translate/chat-completions/gemini-stream-translator';
import type { TranslatedEmbeddingsRequest } from '@sidecar/translate/embeddings/openai-embeddings-to-gemini';
import type { TranslatedImagesRequest } from '@sidecar/translate/images/openai-images-to-gemini';
import { MAX_TOKEN_COUNT } from './gemini-arbitraries';

/** A broken invariant; fast-check reports the message with the shrunk input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

function ensure(condition: boolean, message: string, detail?: unknown): asserts condition {
  if (condition) return;
  throw new InvariantError(`${message}${describeDetail(detail)}`);
}

function describeDetail(detail: unknown): string {
  if (detail === undefined) return '';
  try {
    return `: ${JSON.stringify(detail)?.slice(0, 500)}`;
  } catch {
    return ' (detail not serialisable)';
  }
}

const OPENAI_FINISH_REASONS = new Set(['stop', 'length', 'content_filter', 'tool_calls']);
const PART_DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'] as const;

/** What a translator may throw: only an InvalidRequestError, 400, with a message and a string-or-null param. */
export function checkRefusal(error: unknown): void {
  if (!(error instanceof InvalidRequestError)) throw error;
  ensure(error.status === 400, 'InvalidRequestError without status 400', error.status);
  ensure(typeof error.message === 'string' && error.message.length > 0, 'InvalidRequestError without a message');
  ensure(error.param === null || typeof error.param === 'string', 'param is neither null nor a string', error.param);
}

/** JSON.stringify must work on anything the sidecar sends upstream. */
export function checkSerialisable(value: unknown, what: string): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvariantError(`JSON.stringify(${what}) threw ${String(error)}`);
  }
  ensure(typeof json === 'string', `JSON.stringify(${what}) returned no text`);
}

/** Invariants of a native generateContent request the chat translator built. */
export function checkGeminiRequest(request: GeminiGenerateContentRequest): void {
  ensure(request.contents.length > 0, 'contents is empty');
  for (const [index, content] of request.contents.entries()) {
    ensure(content.role === 'user' || content.role === 'model', `contents[${index}].role is not user|model`, content.role);
    ensure(content.parts.length > 0, `contents[${index}].parts is empty`);
    for (const [at, part] of content.parts.entries()) {
      const fields = PART_DATA_FIELDS.filter((field) => part[field] !== undefined);
      ensure(fields.length === 1, `contents[${index}].parts[${at}] has ${fields.length} data fields`, fields);
      ensure(part.text !== '', `contents[${index}].parts[${at}].text is empty`);
    }
  }
  for (const [at, part] of (request.systemInstruction?.parts ?? []).entries()) {
    ensure(typeof part.text === 'string' && part.text.length > 0, `systemInstruction.parts[${at}].text is empty`);
  }
  const config = request.generationConfig;
  ensure((config?.stopSequences?.length ?? 0) <= 5, 'more than 5 stopSequences', config?.stopSequences);
  const thinking = config?.thinkingConfig;
  ensure(!(thinking?.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined), 'thinkingBudget and thinkingLevel together', thinking);
  checkSerialisable(request, 'geminiRequest');
}

/** Invariants of the batchEmbedContents bodies for `inputs`. */
export function checkEmbeddingsRequest(translated: TranslatedEmbeddingsRequest, model: string): void {
  const requests = translated.batches.flatMap((batch) => batch.requests);
  ensure(translated.batches.length === Math.ceil(translated.inputs.length / 100), 'wrong number of batches', translated.batches.length);
  ensure(translated.batches.every((batch) => batch.requests.length >= 1 && batch.requests.length <= 100), 'a batch outside 1..100');
  ensure(requests.length === translated.inputs.length && translated.inputs.length > 0, 'inputs lost or duplicated');
  for (const [index, request] of requests.entries()) {
    const text = request.content.parts[0]?.text;
    ensure(request.content.parts.length === 1 && text === translated.inputs[index], `request ${index} does not embed input ${index}`);
    ensure(typeof text === 'string' && text.length > 0, `request ${index} embeds empty text`);
    ensure(request.model === `models/${model}`, `request ${index} names model ${request.model}`);
    const dimensions = request.outputDimensionality;
    ensure(dimensions === undefined || (Number.isInteger(dimensions) && dimensions > 0), 'bad outputDimensionality', dimensions);
  }
  ensure(translated.encodingFormat === 'float' || translated.encodingFormat === 'base64', 'bad encodingFormat', translated.encodingFormat);
  checkSerialisable(translated.batches, 'batches');
}

/** Invariants of the calls an images request turns into. */
export function checkImagesRequest(translated: TranslatedImagesRequest, prompt: string): void {
  ensure(/\S/.test(prompt), 'an empty prompt was accepted');
  if (translated.kind === 'predict') {
    const count = translated.body.parameters.sampleCount;
    ensure(Number.isInteger(count) && count >= 1 && count <= 4, 'Imagen sampleCount outside 1..4', count);
    ensure(translated.body.instances.length === 1 && translated.body.instances[0]?.prompt === prompt, 'Imagen prompt lost');
  } else {
    ensure(Number.isInteger(translated.calls) && translated.calls >= 1 && translated.calls <= 10, 'calls outside 1..10', translated.calls);
    const [content] = translated.body.contents;
    ensure(translated.body.contents.length === 1 && content?.role === 'user', 'not one user turn');
    ensure(content?.parts.length === 1 && content.parts[0]?.text === prompt, 'prompt lost');
  }
  checkSerialisable(translated.body, 'images body');
}

/** Whether every token count is an int32 count ≥ 0 (or absent), so usage must come out finite and ≥ 0. */
function countsAreReal(response: GeminiGenerateContentResponse): boolean {
  return Object.values(response.usageMetadata ?? {}).every(
    (count) => count == null || typeof count !== 'number' || (Number.isInteger(count) && count >= 0 && count <= MAX_TOKEN_COUNT),
  );
}

/** Tool-call arguments must always be a JSON object's text. */
function checkArguments(argumentsText: string, where: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsText);
  } catch {
    throw new InvariantError(`${where}.arguments is not JSON: ${argumentsText.slice(0, 200)}`);
  }
  ensure(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), `${where}.arguments is not a JSON object`);
}

/** Invariants of a unary `chat.completion`. */
export function checkCompletion(completion: OpenAIChatCompletion, response: GeminiGenerateContentResponse): void {
  ensure(completion.object === 'chat.completion', 'object is not chat.completion');
  ensure(typeof completion.id === 'string' && completion.id.length > 0, 'empty id');
  ensure(completion.choices.length >= 1, 'no choices');
  for (const choice of completion.choices) {
    ensure(OPENAI_FINISH_REASONS.has(choice.finish_reason), 'finish_reason outside the OpenAI set', choice.finish_reason);
    ensure(choice.message.content === null || typeof choice.message.content === 'string', 'content is neither string nor null');
    for (const [index, call] of (choice.message.tool_calls ?? []).entries()) checkArguments(call.function.arguments, `tool_calls[${index}]`);
  }
  const usage = completion.usage;
  const numbers = [
    usage.prompt_tokens,
    usage.completion_tokens,
    usage.total_tokens,
    usage.prompt_tokens_details.cached_tokens,
    usage.completion_tokens_details.reasoning_tokens,
  ];
  ensure(numbers.every((count) => typeof count === 'number'), 'usage holds a non-number', usage);
  if (countsAreReal(response)) ensure(numbers.every((count) => Number.isFinite(count) && count >= 0), 'usage not finite and ≥ 0', usage);
  checkSerialisable(completion, 'completion');
}

/**
 * Invariants of one translated stream: `chunks` are everything push() and finish() returned, in order; `choices` and
 * `finished` are the choice indexes the input mentioned and those that got a finishReason (or a prompt block).
 */
export function checkStream(chunks: OpenAIChatCompletionChunk[], finish: StreamFinish, choices: Set<number>, finished: Set<number>): void {
  const ids = new Set(chunks.map((chunk) => chunk.id));
  ensure(ids.size <= 1, 'chunks carry different ids', [...ids]);
  const lastChunkOf = new Map<number, number>();
  const finishedAt = new Map<number, number>();
  const toolCallIndexes = new Map<number, number[]>();
  for (const [position, chunk] of chunks.entries()) {
    ensure(chunk.object === 'chat.completion.chunk', 'object is not chat.completion.chunk');
    for (const choice of chunk.choices) {
      lastChunkOf.set(choice.index, position);
      if (choice.finish_reason !== null) {
        ensure(OPENAI_FINISH_REASONS.has(choice.finish_reason), 'finish_reason outside the OpenAI set', choice.finish_reason);
        ensure(!finishedAt.has(choice.index), `choice ${choice.index} got a second finish_reason`, choice);
        finishedAt.set(choice.index, position);
      }
      const indexes = toolCallIndexes.get(choice.index) ?? [];
      for (const call of choice.delta.tool_calls ?? []) {
        indexes.push(call.index);
        checkArguments(call.function.arguments, `choice ${choice.index} tool call ${call.index}`);
      }
      toolCallIndexes.set(choice.index, indexes);
    }
  }
  for (const [index, position] of finishedAt) ensure(lastChunkOf.get(index) === position, `choice ${index} continued after its finish_reason`);
  for (const [index, indexes] of toolCallIndexes) {
    ensure(indexes.every((value, at) => value === at), `choice ${index} tool_call indexes are not 0..n-1`, indexes);
  }
  const complete = choices.size > 0 && [...choices].every((index) => finished.has(index));
  ensure(finish.complete === complete, `finish().complete is ${finish.complete}, expected ${complete}`, { choices: [...choices], finished: [...finished] });
}
