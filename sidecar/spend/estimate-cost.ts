import type { PriceRow } from './price-table';
import type { TokenUsage } from './token-usage';

/** Estimated price of one operation and what its cached tokens saved against the plain input rate, in US dollars. */
export interface CostEstimate {
  usd: number;
  cacheSavingsUsd: number;
}

const PER_MILLION = 1_000_000;

function matches(row: PriceRow, model: string, prefix: boolean): boolean {
  return row.match.some((id) => (prefix ? model.startsWith(id) : model === id));
}

/**
 * The row pricing `model`: operator rows before built-in ones; within each, an exact id before the longest matching
 * prefix (so `gemini-2.5-flash-lite-…` is never priced as `gemini-2.5-flash`).
 */
export function findPrice(model: string, overrides: readonly PriceRow[], builtIn: readonly PriceRow[]): PriceRow | undefined {
  const id = model.replace(/^models\//, '');
  for (const rows of [overrides, builtIn]) {
    const exact = rows.find((row) => matches(row, id, false));
    if (exact) return exact;
    let best: { row: PriceRow; length: number } | undefined;
    for (const row of rows) {
      if (!row.prefix) continue;
      for (const candidate of row.match) {
        if (id.startsWith(candidate) && candidate.length > (best?.length ?? 0)) best = { row, length: candidate.length };
      }
    }
    if (best) return best.row;
  }
  return undefined;
}

/**
 * Prices one operation's usage. A prompt above the long-context threshold moves the whole request to the long rates
 * (Google prices "prompts > 200k tokens" per request, not per token beyond it). Cached tokens pay the cached rate,
 * audio and image tokens their own rate where the row has one; everything else the plain input and output rates.
 */
export function estimateCost(usage: TokenUsage, row: PriceRow): CostEstimate {
  const long = row.longContext && usage.input > row.longContext.threshold ? row.longContext : undefined;
  const inputRate = long?.input ?? row.input;
  const outputRate = long?.output ?? row.output;
  const cachedRate = (long ? long.cachedInput : row.cachedInput) ?? inputRate;
  const cached = Math.min(usage.cached, usage.input);
  const audio = row.audioInput === undefined ? 0 : Math.min(usage.audioInput, usage.input - cached);
  const images = row.imageOutput === undefined ? 0 : Math.min(usage.imageOutput, usage.output);
  const micros =
    (usage.input - cached - audio) * inputRate +
    audio * (row.audioInput ?? inputRate) +
    cached * cachedRate +
    (usage.output - images) * outputRate +
    images * (row.imageOutput ?? outputRate);
  return { usd: micros / PER_MILLION, cacheSavingsUsd: (cached * (inputRate - cachedRate)) / PER_MILLION };
}
