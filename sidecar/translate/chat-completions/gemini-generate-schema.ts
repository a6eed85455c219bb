import { z } from 'zod';

/** A Gemini request part (only the kinds the sidecar sends); exactly one data field per part. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: {
    id?: string;
    name: string;
    response: Record<string, unknown>;
    parts?: Array<{ inlineData?: { mimeType: string; data: string }; fileData?: { mimeType?: string; fileUri: string } }>;
  };
  /** Gemini 3 per-part media resolution. */
  mediaResolution?: { level: 'MEDIA_RESOLUTION_LOW' | 'MEDIA_RESOLUTION_MEDIUM' | 'MEDIA_RESOLUTION_HIGH' | 'MEDIA_RESOLUTION_ULTRA_HIGH' };
}

/** A Gemini request content (one turn). */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** One function the model may call. Exactly one of the two schema fields is set. */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** Full JSON Schema (Gemini 2.5+). */
  parametersJsonSchema?: unknown;
  /** Legacy OpenAPI 3.0 subset. */
  parameters?: unknown;
}

/** A Gemini tool entry. */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, never>;
  codeExecution?: Record<string, never>;
  urlContext?: Record<string, never>;
}

/** `toolConfig` of a request. */
export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED'; allowedFunctionNames?: string[] };
}

/** `thinkingConfig`: never budget and level together (400). */
export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  thinkingLevel?: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  includeThoughts?: boolean;
}

/** `generationConfig` fields the sidecar sets. */
export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  /** Full JSON Schema (Gemini 2.5+). */
  responseJsonSchema?: unknown;
  /** Legacy OpenAPI 3.0 subset. */
  responseSchema?: unknown;
  responseModalities?: Array<'TEXT' | 'IMAGE' | 'AUDIO'>;
  imageConfig?: Record<string, unknown>;
  responseLogprobs?: boolean;
  logprobs?: number;
  mediaResolution?: string;
  thinkingConfig?: GeminiThinkingConfig;
  /** TTS voice (https://ai.google.dev/api/generate-content#SpeechConfig). */
  speechConfig?: { voiceConfig: { prebuiltVoiceConfig: { voiceName: string } } };
}

/** Native `GenerateContentRequest` as the sidecar builds it. */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  safetySettings?: Array<Record<string, unknown>>;
  cachedContent?: string;
  serviceTier?: string;
  generationConfig?: GeminiGenerationConfig;
}

const partSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), args: z.record(z.string(), z.unknown()).nullish() }).nullish(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).nullish(),
  executableCode: z.looseObject({ language: z.string().nullish(), code: z.string().nullish() }).nullish(),
  codeExecutionResult: z.looseObject({ outcome: z.string().nullish(), output: z.string().nullish() }).nullish(),
});

const logprobCandidateSchema = z.looseObject({ token: z.string().nullish(), logProbability: z.number().nullish() });

const groundingSchema = z.looseObject({
  groundingChunks: z.array(z.looseObject({ web: z.looseObject({ uri: z.string().nullish(), title: z.string().nullish() }).nullish() })).nullish(),
  groundingSupports: z
    .array(
      z.looseObject({
        segment: z.looseObject({ startIndex: z.number().nullish(), endIndex: z.number().nullish() }).nullish(),
        groundingChunkIndices: z.array(z.number()).nullish(),
      }),
    )
    .nullish(),
});

const candidateSchema = z.looseObject({
  content: z.looseObject({ parts: z.array(partSchema).nullish(), role: z.string().nullish() }).nullish(),
  finishReason: z.string().nullish(),
  finishMessage: z.string().nullish(),
  index: z.number().int().nullish(),
  logprobsResult: z
    .looseObject({
      chosenCandidates: z.array(logprobCandidateSchema).nullish(),
      topCandidates: z.array(z.looseObject({ candidates: z.array(logprobCandidateSchema).nullish() })).nullish(),
    })
    .nullish(),
  groundingMetadata: groundingSchema.nullish(),
});

/** Gemini `usageMetadata`, only the counts the sidecar reports. */
export const geminiUsageSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
});

/** Native `GenerateContentResponse` (and each streamed chunk): minimal, nullish, as vercel/ai models it. */
export const geminiGenerateContentResponseSchema = z.looseObject({
  candidates: z.array(candidateSchema).nullish(),
  promptFeedback: z.looseObject({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: geminiUsageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});

/** A parsed Gemini response or stream chunk. */
export type GeminiGenerateContentResponse = z.infer<typeof geminiGenerateContentResponseSchema>;
/** One parsed candidate. */
export type GeminiCandidate = z.infer<typeof candidateSchema>;
/** Parsed usage counts. */
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;
/** One parsed response part. */
export type GeminiResponsePart = z.infer<typeof partSchema>;
/** Parsed grounding metadata of a candidate. */
export type GeminiGroundingMetadata = z.infer<typeof groundingSchema>;
