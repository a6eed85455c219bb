import {
  buildTerminalResponse,
  THOUGHT_TEXT,
  THOUGHT_TOKEN_COUNT,
  tokenCount,
  usageMetadata,
  type ReplyPlan,
} from './default-reply';

type Json = Record<string, unknown>;

/** Splits text into at most `groups` word groups whose concatenation is the original text. */
export function splitByWords(text: string, groups = 3): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const count = Math.min(groups, words.length);
  return Array.from({ length: count }, (_, group) =>
    words.slice(Math.floor((group * words.length) / count), Math.floor(((group + 1) * words.length) / count)).join(''),
  );
}

/**
 * The default answer as streamGenerateContent chunks: each a full GenerateContentResponse with a text
 * delta and cumulative usageMetadata. Gemini 3 ends with a separate `{"text":""}` + thoughtSignature
 * chunk that carries finishReason STOP (vercel-ai/google-text.chunks.txt).
 */
export function buildStreamChunks(plan: ReplyPlan): Json[] {
  const terminal = buildTerminalResponse(plan);
  if (terminal) return [terminal];
  const trailer = { modelVersion: plan.model, responseId: plan.responseId };
  const thoughts = plan.think ? THOUGHT_TOKEN_COUNT : undefined;
  const signature = plan.thoughtSignature;
  const chunks: Json[] = [];
  if (plan.think) {
    const candidates = plan.texts.map((_, index) => ({
      content: { parts: [{ text: THOUGHT_TEXT, thought: true }], role: 'model' },
      index,
    }));
    chunks.push({ candidates, usageMetadata: usageMetadata(plan, undefined, thoughts), ...trailer });
  }
  const slices = plan.texts.map((text) => splitByWords(text));
  const sent = plan.texts.map(() => '');
  const chunkCount = Math.max(...slices.map((candidateSlices) => candidateSlices.length));
  for (let position = 0; position < chunkCount; position += 1) {
    const candidates = slices.flatMap((candidateSlices, index) => {
      const text = candidateSlices[position];
      if (text === undefined) return [];
      sent[index] += text;
      const finished = position === candidateSlices.length - 1 && signature === undefined;
      return [{ content: { parts: [{ text }], role: 'model' }, ...(finished ? { finishReason: 'STOP' } : {}), index }];
    });
    const candidatesTokens = sent.reduce((sum, text) => sum + tokenCount(text), 0);
    chunks.push({ candidates, usageMetadata: usageMetadata(plan, candidatesTokens, thoughts), ...trailer });
  }
  if (signature !== undefined) {
    const candidates = plan.texts.map((_, index) => ({
      content: { parts: [{ text: '', thoughtSignature: signature }], role: 'model' },
      finishReason: 'STOP',
      index,
    }));
    const candidatesTokens = sent.reduce((sum, text) => sum + tokenCount(text), 0);
    chunks.push({ candidates, usageMetadata: usageMetadata(plan, candidatesTokens, thoughts), ...trailer });
  }
  return chunks;
}
