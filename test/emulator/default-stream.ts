import { callTokens, candidate, imageTokens, sendsText, textExtras, thoughtParts } from './default-candidate';
import { imagePart } from './default-media';
import { THOUGHT_TOKEN_COUNT, tokenCount, type ReplyPlan } from './default-plan';
import { buildTerminalResponse, usageMetadata } from './default-reply';
import { functionCallPart } from './default-tools';
import { isGemini3OrLater } from './emulated-model';

type Json = Record<string, unknown>;
type Emit = (candidates: Json[], outputTokens?: number, imageTokenCount?: number) => void;

/** Splits text into at most `groups` word groups whose concatenation is the original text. */
export function splitByWords(text: string, groups = 3): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const count = Math.min(groups, words.length);
  return Array.from({ length: count }, (_, group) =>
    words.slice(Math.floor((group * words.length) / count), Math.floor(((group + 1) * words.length) / count)).join(''),
  );
}

/**
 * Function calls arrive whole in one chunk without finishReason; Gemini 3 then closes with a `{"text":""}` chunk
 * carrying STOP (vercel-ai/google-tool-call.chunks.txt), Gemini 2.5 puts STOP on the call chunk.
 */
function emitCalls(plan: ReplyPlan, gemini3: boolean, emit: Emit): void {
  const tokens = plan.calls.reduce((sum, calls) => sum + callTokens(calls), 0);
  const stop = gemini3 ? {} : { finishReason: 'STOP' };
  emit(plan.calls.map((calls, index) => candidate(index, { parts: calls.map(functionCallPart), ...stop })), tokens);
  if (gemini3) emit(plan.calls.map((_, index) => candidate(index, { parts: [{ text: '' }], finishReason: 'STOP' })), tokens);
}

/**
 * Text in word groups, then the image (image models), then for Gemini 3 a trailing empty-text chunk with STOP.
 * Gemini 3 text answers sign that trailing chunk (vercel-ai/google-reasoning-gemini3.chunks.txt); Gemini 3 image
 * models sign the first text part and the image part instead.
 */
function emitText(plan: ReplyPlan, gemini3: boolean, emit: Emit): void {
  const slices = plan.texts.map((text) => (sendsText(plan) ? splitByWords(text) : []));
  const sent = plan.texts.map(() => '');
  const sentTokens = (): number => sent.reduce((sum, text) => sum + tokenCount(text), 0);
  const chunkCount = Math.max(0, ...slices.map((candidateSlices) => candidateSlices.length));
  const images = imageTokens(plan);
  for (let position = 0; position < chunkCount; position += 1) {
    const candidates = slices.flatMap((candidateSlices, index) => {
      const text = candidateSlices[position];
      if (text === undefined) return [];
      sent[index] += text;
      const finishing = position === candidateSlices.length - 1 && !gemini3 && !plan.image;
      const signature = position === 0 && plan.image ? plan.thoughtSignature : undefined;
      const part = signature ? { text, thoughtSignature: signature } : { text };
      const extras = textExtras(plan, text, plan.texts[index] ?? '', finishing);
      return [candidate(index, { parts: [part], ...(finishing ? { finishReason: 'STOP' } : {}), extras })];
    });
    emit(candidates, sentTokens());
  }
  if (plan.image) {
    const part = imagePart(plan.image.signature, plan.image.edited);
    const stop = (text: string) => (gemini3 ? {} : { finishReason: 'STOP', extras: textExtras(plan, '', text, true) });
    emit(plan.texts.map((text, index) => candidate(index, { parts: [part], ...stop(text) })), sentTokens() + (images ?? 0), images);
  }
  if (gemini3) {
    const signature = plan.image ? undefined : plan.thoughtSignature;
    const part = signature ? { text: '', thoughtSignature: signature } : { text: '' };
    const candidates = plan.texts.map((text, index) => candidate(index, { parts: [part], finishReason: 'STOP', extras: textExtras(plan, '', text, true) }));
    emit(candidates, sentTokens() + (images ?? 0), images);
  }
}

/**
 * The default answer as streamGenerateContent chunks: each a full GenerateContentResponse with a delta and
 * cumulative usageMetadata. A thought summary, when asked for, comes alone in the first chunk.
 */
export function buildStreamChunks(plan: ReplyPlan): Json[] {
  const terminal = buildTerminalResponse(plan);
  if (terminal) return [terminal];
  const thoughts = plan.think ? THOUGHT_TOKEN_COUNT : undefined;
  const chunks: Json[] = [];
  const emit: Emit = (candidates, outputTokens, imageTokenCount) => {
    const usage = usageMetadata(plan, outputTokens, thoughts, imageTokenCount);
    chunks.push({ candidates, usageMetadata: usage, modelVersion: plan.model, responseId: plan.responseId });
  };
  if (plan.think) emit(plan.texts.map((_, index) => candidate(index, { parts: thoughtParts(plan) })));
  const gemini3 = isGemini3OrLater(plan.model);
  if (plan.mode === 'tool') emitCalls(plan, gemini3, emit);
  else emitText(plan, gemini3, emit);
  return chunks;
}
