import { InvalidRequestError } from '../../errors/sidecar-error';
import { THINKING_LEVELS, type ThinkingControl, type ThinkingLevel } from '../models/capability-types';
import type { GeminiThinkingConfig } from './gemini-generate-schema';

export type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
export const EFFORTS: readonly Effort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/** Gemini 2.5 budgets per effort, as Google's compat layer maps them: https://ai.google.dev/gemini-api/docs/openai#thinking */
const BUDGET_BY_EFFORT: Record<Exclude<Effort, 'none'>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

/** The level each effort asks for before the model's own list is consulted. */
const LEVEL_BY_EFFORT: Record<Effort, ThinkingLevel> = {
  none: 'MINIMAL',
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
};

/**
 * The accepted level nearest to the wanted one, the higher on a tie: MINIMAL on a model without it (3.1 Pro, 3.8
 * Flash, 4 Argon) becomes LOW, and MEDIUM on 3 Pro (LOW and HIGH only) becomes HIGH, as Google's own compat layer did.
 * Thinking cannot be switched off on level models, so `none` is the lowest level the model takes.
 */
export function nearestLevel(wanted: ThinkingLevel, accepted: readonly ThinkingLevel[]): ThinkingLevel | undefined {
  const rank = (level: ThinkingLevel): number => THINKING_LEVELS.indexOf(level);
  let best: ThinkingLevel | undefined;
  for (const level of accepted) {
    const distance = Math.abs(rank(level) - rank(wanted));
    const bestDistance = best === undefined ? Infinity : Math.abs(rank(best) - rank(wanted));
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && rank(level) > rank(best))) best = level;
  }
  return best;
}

/** The `thinkingConfig` one effort turns into for a model's thinking control; undefined when it has no knob. */
export function thinkingConfigFor(effort: Effort, thinking: ThinkingControl): GeminiThinkingConfig | undefined {
  switch (thinking.kind) {
    case 'level': {
      const level = nearestLevel(LEVEL_BY_EFFORT[effort], thinking.levels);
      return level ? { thinkingLevel: level } : undefined;
    }
    case 'budget': {
      if (effort === 'none') return { thinkingBudget: thinking.canDisable ? 0 : thinking.min };
      return { thinkingBudget: Math.min(thinking.max, Math.max(thinking.min, BUDGET_BY_EFFORT[effort])) };
    }
    case 'none':
      return undefined;
  }
}

/** `reasoning_effort` → `thinkingConfig` for the model's family; reported as ignored when the model has no thinking knob. */
export function openaiReasoningToGemini(effort: unknown, thinking: ThinkingControl, warnings: string[]): GeminiThinkingConfig | undefined {
  if (effort == null) return undefined;
  if (typeof effort !== 'string' || !EFFORTS.includes(effort as Effort)) {
    throw new InvalidRequestError(`reasoning_effort must be one of ${EFFORTS.join(', ')}.`, 'reasoning_effort', 'invalid_value');
  }
  const config = thinkingConfigFor(effort as Effort, thinking);
  if (!config) warnings.push('reasoning_effort');
  return config;
}
