/** Gemini's `thinkingLevel` values (https://ai.google.dev/api/generate-content#ThinkingLevel). */
export type ThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

/** All levels, lowest first. */
export const THINKING_LEVELS: readonly ThinkingLevel[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];

/** How a model's thinking is controlled, if at all. */
export type ThinkingControl =
  | { kind: 'none' }
  /** Gemini 3+ (and 4): `thinkingLevel` only; a budget is refused or deprecated. */
  | { kind: 'level'; levels: readonly ThinkingLevel[]; canDisable: false }
  /** Gemini 2.5: `thinkingBudget` in [min, max]; `0` turns thinking off where `canDisable`. */
  | { kind: 'budget'; min: number; max: number; canDisable: boolean };

/**
 * What a model does with a sampling parameter: send it (`honoured`), or leave it out and report it because the model
 * ignores it or would answer 400 (`ignored`, `rejected`).
 */
export type ParameterSupport = 'honoured' | 'ignored' | 'rejected';

export type Modality = 'text' | 'image' | 'audio' | 'video' | 'pdf';

/** Everything the translation needs to know about one Gemini model. */
export interface ModelCapabilities {
  /** The family row that answered (its canonical id). */
  family: string;
  /** Where the row's facts come from. */
  source: string;
  status: 'live' | 'preview' | 'deprecated' | 'shut-down';
  thinking: ThinkingControl;
  /** temperature, top_p, top_k. */
  sampling: ParameterSupport;
  /** presence_penalty, frequency_penalty. */
  penalties: ParameterSupport;
  /** `candidateCount > 1`; without it `n > 1` is served by parallel calls. */
  multipleCandidates: boolean;
  /** JSON Schema (`responseJsonSchema`, `parametersJsonSchema`) or Google's OpenAPI subset (`responseSchema`, `parameters`). */
  schemaDialect: 'json-schema' | 'openapi';
  /** Function-call history without thought signatures is refused (400). */
  thoughtSignatures: boolean;
  /** Part-level `mediaResolution` and media inside `functionResponse.parts` (Gemini 3+). */
  partLevelMedia: boolean;
  input: readonly Modality[];
  output: readonly Modality[];
  inputTokenLimit: number;
  outputTokenLimit: number;
}

/** One row of the table: the ids it covers (globs with `*`) and the capabilities they share. */
export interface CapabilityRow extends ModelCapabilities {
  match: readonly string[];
}

/** How the capabilities for a model id were found. */
export interface ResolvedCapabilities {
  capabilities: ModelCapabilities;
  /** `exact`: a row matched the id; `nearest`: the id is unknown and the closest family's row was used. */
  matched: 'exact' | 'nearest';
}
