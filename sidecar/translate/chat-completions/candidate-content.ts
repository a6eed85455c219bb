import type { GeminiCandidate } from './gemini-generate-schema';

/** What the sidecar reads out of one candidate's parts. */
export interface CandidateContent {
  /** Non-thought text joined with "" (Gemini splits text across parts arbitrarily). */
  text: string;
  /** Text of `thought: true` parts (thought summaries, when the request asked for them). */
  reasoning: string;
  /** Part kinds the sidecar cannot represent yet, for a warning. */
  unsupported: string[];
}

/** Splits a candidate's parts into answer text, thought text and unsupported kinds. */
export function readCandidateContent(candidate: GeminiCandidate): CandidateContent {
  let text = '';
  let reasoning = '';
  const unsupported: string[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (typeof part.text === 'string') {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
      continue;
    }
    const kind = Object.keys(part).find((key) => key !== 'thought' && key !== 'thoughtSignature');
    if (kind) unsupported.push(kind);
  }
  return { text, reasoning, unsupported };
}
