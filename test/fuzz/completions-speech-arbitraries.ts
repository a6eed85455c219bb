import fc from 'fast-check';
import { anyJson, jsonObject, maybe, numberIn, text, typed } from './fuzz-json';

const completionModel = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('gemini-2.5-flash', 'gemini-3-flash-preview', 'gpt-3.5-turbo-instruct', 'models/gemini-2.5-flash') },
  { weight: 1, arbitrary: fc.constantFrom('', '../x', '__proto__', 'gemini-2.5-flash-preview-tts') },
);

const prompt = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 3, arbitrary: fc.array(text, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.array(fc.integer(), { maxLength: 3 }), { maxLength: 2 }) },
);

/** Legacy completions bodies: text, list and token-id prompts, every field OpenAI defines. */
export function completionsBody(wild: boolean): fc.Arbitrary<Record<string, unknown>> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  return jsonObject({
    model: maybe(pick(completionModel), 1, 20),
    prompt: maybe(pick(prompt), 1, 20),
    suffix: maybe(pick(text), 4),
    max_tokens: maybe(numberIn(0, 64, true, wild), 2),
    n: maybe(numberIn(1, 9, true, wild), 3),
    best_of: maybe(numberIn(0, 5, true, wild), 6),
    logprobs: maybe(numberIn(0, 6, true, wild), 3),
    echo: maybe(pick(fc.boolean()), 3),
    stop: maybe(pick(fc.oneof(text, fc.array(text, { maxLength: 6 }))), 3),
    temperature: maybe(numberIn(0, 2, false, wild), 3),
    stream: maybe(pick(fc.boolean()), 2),
    stream_options: maybe(pick(jsonObject({ include_usage: maybe(pick(fc.boolean())) })), 4),
    reasoning_effort: maybe(pick(fc.constantFrom('none', 'low', 'high', 'bogus')), 6),
    other: maybe(anyJson, 8),
  });
}

const speechModel = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('tts-1', 'tts-1-hd', 'gpt-4o-mini-tts', 'gemini-2.5-flash-preview-tts', 'gemini-3.8-flash-tts') },
  { weight: 1, arbitrary: fc.constantFrom('gemini-2.5-flash', '', 'a/b') },
);

/** Speech bodies: voices from both tables and junk, every format, SSE or not. */
export function speechBody(wild: boolean): fc.Arbitrary<Record<string, unknown>> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  return jsonObject({
    model: maybe(pick(speechModel), 1, 20),
    input: maybe(pick(text), 1, 20),
    voice: maybe(pick(fc.oneof(fc.constantFrom('alloy', 'onyx', 'Kore', 'puck', 'nobody'), fc.record({ id: text }))), 1, 20),
    instructions: maybe(pick(text), 3),
    response_format: maybe(pick(fc.constantFrom('mp3', 'opus', 'aac', 'flac', 'wav', 'pcm', 'ogg')), 2),
    speed: maybe(numberIn(0.25, 4, false, wild), 3),
    stream_format: maybe(pick(fc.constantFrom('audio', 'sse', 'chunks')), 3),
    other: maybe(anyJson, 8),
  });
}
