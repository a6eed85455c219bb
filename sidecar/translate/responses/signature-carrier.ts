/**
 * Gemini thought signatures ride in `reasoning.encrypted_content`, the one field every Responses client replays
 * unchanged: Codex deserialises items into fixed structs (unknown fields and item ids are dropped) but keeps
 * `encrypted_content`; the Agents SDK and the AI SDK replay reasoning items as they got them. One reasoning item per
 * answer holds every signature of that answer: the text part's, and each function call's by `call_id`, so replay order
 * does not matter. https://ai.google.dev/gemini-api/docs/thought-signatures
 */
const PREFIX = 'gemini-thought-signatures.v1:';

/** The signatures of one model turn. */
export interface TurnSignatures {
  /** The signature of the answer's last text part. */
  text?: string;
  /** Function-call signatures by call_id (Gemini 3 signs the first call of each step). */
  calls?: Record<string, string>;
}

/** `encrypted_content` for a turn's signatures, or undefined when there are none. */
export function encodeSignatures(signatures: TurnSignatures): string | undefined {
  const calls = signatures.calls && Object.keys(signatures.calls).length > 0 ? signatures.calls : undefined;
  if (!signatures.text && !calls) return undefined;
  const payload = { ...(signatures.text ? { text: signatures.text } : {}), ...(calls ? { calls } : {}) };
  return `${PREFIX}${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

/** The signatures in an `encrypted_content` the sidecar wrote; undefined for anything else (OpenAI's own, garbage). */
export function decodeSignatures(encrypted: unknown): TurnSignatures | undefined {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(encrypted.slice(PREFIX.length), 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { text, calls } = parsed as { text?: unknown; calls?: unknown };
    const callMap =
      typeof calls === 'object' && calls !== null
        ? Object.fromEntries(Object.entries(calls).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
        : undefined;
    return { ...(typeof text === 'string' ? { text } : {}), ...(callMap ? { calls: callMap } : {}) };
  } catch {
    return undefined;
  }
}
