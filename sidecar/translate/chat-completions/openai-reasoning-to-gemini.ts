import { InvalidRequestError } from '../../errors/sidecar-error';
import type { ModelTraits } from '../model-family';
import type { GeminiThinkingConfig } from './gemini-generate-schema';

type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
const EFFORTS: readonly Effort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/** Gemini 2.5 budgets per effort, as Google's compat layer maps them: https://ai.google.dev/gemini-api/docs/openai#thinking */
const BUDGET_BY_EFFORT: Record<Exclude<Effort, 'none'>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

/** 2.5 budget floors: Pro cannot turn thinking off (min 128); Flash and Flash-Lite take 0 to disable. */
const MIN_BUDGET: Record<ModelTraits['tier'], number> = { pro: 128, flash: 0, 'flash-lite': 0, other: 0 };

type Level = NonNullable<GeminiThinkingConfig['thinkingLevel']>;

/**
 * Gemini 3+ levels per tier: Pro has no MINIMAL (3.0 Pro had only LOW and HIGH), Flash and Flash-Lite take all four.
 * Thinking cannot be switched off on Gemini 3, so `none` is the lowest level the model accepts.
 */
function levelFor(effort: Effort, traits: ModelTraits): Level {
  const pro = traits.tier === 'pro';
  switch (effort) {
    case 'none':
    case 'minimal':
      return pro ? 'LOW' : 'MINIMAL';
    case 'low':
      return 'LOW';
    case 'medium':
      return pro && (traits.version ?? 0) < 3.1 ? 'HIGH' : 'MEDIUM';
    case 'high':
    case 'xhigh':
      return 'HIGH';
  }
}

/** `reasoning_effort` → `thinkingConfig` for the model's family; undefined when the model has no thinking knob. */
export function openaiReasoningToGemini(effort: unknown, traits: ModelTraits, warnings: string[]): GeminiThinkingConfig | undefined {
  if (effort == null) return undefined;
  if (typeof effort !== 'string' || !EFFORTS.includes(effort as Effort)) {
    throw new InvalidRequestError(`reasoning_effort must be one of ${EFFORTS.join(', ')}.`, 'reasoning_effort', 'invalid_value');
  }
  const value = effort as Effort;
  if (traits.thinking === 'level') return { thinkingLevel: levelFor(value, traits) };
  if (traits.thinking === 'budget') {
    const budget = value === 'none' ? 0 : BUDGET_BY_EFFORT[value];
    return { thinkingBudget: Math.max(budget, MIN_BUDGET[traits.tier]) };
  }
  warnings.push('reasoning_effort');
  return undefined;
}
