import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

// Plausible runner-up tokens for the top-candidate lists; the chosen token always ranks first.
const ALTERNATIVES = ['the ', 'a ', ', ', '. ', 'and ', 'to ', 'of ', 'in ', 'is ', 'it ', 'that ', 'for ', 'on ', 'with ', 'as ', 'was ', 'at ', 'by ', 'this ', 'be '];

/** The tokens logprobs are reported for: whitespace-separated words, spaces kept, so they concatenate to the text. */
export function logprobTokens(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

function tokenId(token: string): number {
  return createHash('sha256').update(token).digest().readUInt32BE(0) % 256000;
}

function chosenLogProbability(token: string): number {
  return -Number(((tokenId(token) % 1000) / 4000).toFixed(6));
}

function round(value: number): number {
  return Number(value.toFixed(6));
}

/**
 * `avgLogprobs` and `logprobsResult` for a piece of reply text, with `top` candidates per token (0–20).
 * Field order follows the LogprobsResult proto: topCandidates, chosenCandidates, logProbabilitySum.
 */
export function logprobsFields(text: string, top: number): Json {
  const tokens = logprobTokens(text);
  if (tokens.length === 0) return {};
  const chosen = tokens.map((token) => ({ token, logProbability: chosenLogProbability(token) }));
  const sum = chosen.reduce((total, candidate) => total + candidate.logProbability, 0);
  const topCandidates = chosen.map((picked) => ({
    candidates: [picked.token, ...ALTERNATIVES.filter((alternative) => alternative !== picked.token)].slice(0, top).map((token, rank) => ({
      token,
      logProbability: rank === 0 ? picked.logProbability : round(picked.logProbability - 1.5 * rank),
      tokenId: tokenId(token),
    })),
  }));
  return {
    avgLogprobs: round(sum / tokens.length),
    logprobsResult: {
      ...(top > 0 ? { topCandidates } : {}),
      chosenCandidates: chosen,
      logProbabilitySum: round(sum),
    },
  };
}
