/**
 * Every request and reply body of the bench, built once: the OpenAI requests the arms receive, their native Gemini
 * equivalents for the direct arm, and the fixed Gemini answers the upstream double sends.
 */

export const CHAT_MODEL = 'gemini-2.5-flash';
export const EMBEDDING_MODEL = 'gemini-embedding-001';
export const EMBEDDING_INPUTS = 100;
export const EMBEDDING_DIMENSIONS = 768;
/** Raw bytes of the inline image; the data URL carries them base64-encoded (4/3 as many characters). */
export const IMAGE_BYTES = 10 * 1024 * 1024;

/** The whole answer of the non-streaming chat, and of the fast stream once its pieces are joined. */
export const REPLY_TEXT =
  'The sea hums an old blue song against the harbour wall, and every wave arrives like a friend who still remembers the way home.';

const SYSTEM_PROMPT = 'You are a helpful assistant.';
const USER_PROMPT = 'Write one sentence about the sea, please. Keep it short and friendly.';
const PROMPT_TOKENS = 24;

type Json = Record<string, unknown>;

/** Splits text into `count` consecutive pieces on word boundaries (fewer when there are fewer words). */
export function splitText(text: string, count: number): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const pieces = Math.min(count, words.length);
  return Array.from({ length: pieces }, (_, index) =>
    words.slice(Math.floor((index * words.length) / pieces), Math.floor(((index + 1) * words.length) / pieces)).join(''),
  );
}

/** `count` stream pieces; beyond the reply's word count the words are cycled so a slow stream can be long. */
export function streamPieces(count: number): string[] {
  const words = REPLY_TEXT.match(/\S+\s*/g) ?? [REPLY_TEXT];
  if (count <= words.length) return splitText(REPLY_TEXT, count);
  return Array.from({ length: count }, (_, index) => words[index % words.length] ?? 'sea ');
}

function tokens(text: string): number {
  return Math.max(1, Math.round(text.length / 4));
}

function usage(outputTokens: number): Json {
  return {
    promptTokenCount: PROMPT_TOKENS,
    candidatesTokenCount: outputTokens,
    totalTokenCount: PROMPT_TOKENS + outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: PROMPT_TOKENS }],
  };
}

/** The double's `:generateContent` answer (Google's field order). */
export function generateContentReply(): Json {
  return {
    candidates: [{ content: { parts: [{ text: REPLY_TEXT }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: usage(tokens(REPLY_TEXT)),
    modelVersion: CHAT_MODEL,
    responseId: 'bench-0000000000000000000001',
  };
}

/** The double's `:streamGenerateContent?alt=sse` events: one GenerateContentResponse per piece, STOP on the last. */
export function streamReplyEvents(count: number): string[] {
  const pieces = streamPieces(count);
  let sent = 0;
  return pieces.map((text, index) => {
    sent += tokens(text);
    const last = index === pieces.length - 1;
    const chunk = {
      candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
      usageMetadata: usage(sent),
      modelVersion: CHAT_MODEL,
      responseId: 'bench-0000000000000000000002',
    };
    return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
  });
}

/** Deterministic unit-ish floats rounded to float32, the way Google prints embedding values. */
function vector(seed: number, dimensions: number): number[] {
  let state = (seed * 2654435761) >>> 0 || 1;
  const values: number[] = [];
  let norm = 0;
  for (let index = 0; index < dimensions; index += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 2 ** 32 - 0.5;
    values.push(value);
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  // Google prints float32 values with about 8 significant digits (e.g. -0.022374554).
  return values.map((value) => Number(Math.fround(value * scale).toPrecision(8)));
}

/** The double's `:batchEmbedContents` answer: EMBEDDING_INPUTS vectors of EMBEDDING_DIMENSIONS. */
export function batchEmbedReply(): Json {
  return { embeddings: Array.from({ length: EMBEDDING_INPUTS }, (_, index) => ({ values: vector(index + 1, EMBEDDING_DIMENSIONS) })) };
}

/** The double's `:embedContent` answer (Portkey sends every input as one multi-part content here). */
export function embedContentReply(): Json {
  return { embedding: { values: vector(1, EMBEDDING_DIMENSIONS) } };
}

const EMBEDDING_TEXTS = Array.from(
  { length: EMBEDDING_INPUTS },
  (_, index) => `Document ${index + 1}: tide tables, harbour notices and a short note about the weather at sea.`,
);

let imageDataUrl: string | undefined;

/** A PNG signature followed by pseudo-random bytes, IMAGE_BYTES in all, as a base64 data URL (built once). */
export function imageUrl(): string {
  if (imageDataUrl) return imageDataUrl;
  const bytes = Buffer.alloc(IMAGE_BYTES);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  let state = 0x9e3779b9;
  for (let offset = 8; offset + 4 <= bytes.length; offset += 4) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes.writeUInt32LE(state, offset);
  }
  imageDataUrl = `data:image/png;base64,${bytes.toString('base64')}`;
  return imageDataUrl;
}

/** OpenAI request bodies, one per workload kind. */
export const openai = {
  chat: (stream: boolean): Json => ({
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: USER_PROMPT },
    ],
    temperature: 0.7,
    max_tokens: 256,
    ...(stream ? { stream: true } : {}),
  }),
  /** The same request on the Responses API, as the openai SDK's `responses.create({instructions, input})` sends it. */
  responses: (stream: boolean): Json => ({
    model: CHAT_MODEL,
    instructions: SYSTEM_PROMPT,
    input: USER_PROMPT,
    temperature: 0.7,
    max_output_tokens: 256,
    ...(stream ? { stream: true } : {}),
  }),
  embeddings: (): Json => ({ model: EMBEDDING_MODEL, input: EMBEDDING_TEXTS, dimensions: EMBEDDING_DIMENSIONS }),
  image: (): Json => ({
    model: CHAT_MODEL,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: imageUrl() } },
        ],
      },
    ],
    max_tokens: 256,
  }),
};

/** Native Gemini request bodies of the same requests, for the direct arm. */
export const gemini = {
  chat: (): Json => ({
    contents: [{ role: 'user', parts: [{ text: USER_PROMPT }] }],
    systemInstruction: { parts: [{ text: SYSTEM_PROMPT }] },
    generationConfig: { temperature: 0.7, maxOutputTokens: 256 },
  }),
  embeddings: (): Json => ({
    requests: EMBEDDING_TEXTS.map((text) => ({
      model: `models/${EMBEDDING_MODEL}`,
      content: { parts: [{ text }] },
      outputDimensionality: EMBEDDING_DIMENSIONS,
    })),
  }),
  image: (): Json => {
    const url = imageUrl();
    const comma = url.indexOf(',');
    return {
      contents: [
        {
          role: 'user',
          parts: [{ text: 'What is in this picture?' }, { inlineData: { mimeType: 'image/png', data: url.slice(comma + 1) } }],
        },
      ],
      generationConfig: { maxOutputTokens: 256 },
    };
  },
};
