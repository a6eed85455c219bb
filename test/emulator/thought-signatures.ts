import { randomBytes, randomInt } from 'node:crypto';
import { isGemini3OrLater } from './emulated-model';
import { googleError, type GoogleErrorReply } from './google-error';
import { arrayField, field, isRecord, recordField, type JsonObject } from './request-fields';

/** A content as the signature rules read it. */
export interface SignedContent {
  role?: string;
  parts: JsonObject[];
}

/** One thoughtSignature found in a request's contents. */
export interface ReceivedThoughtSignature {
  /** Index of the request in `GeminiEmulator.requests`. */
  requestIndex: number;
  contentIndex: number;
  partIndex: number;
  signature: string;
  /** The function name when the signed part is a functionCall. */
  functionName?: string;
  /** True when the emulator issued this exact signature (false for dummies and foreign ones). */
  issued: boolean;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  return [...bytes, rest];
}

/**
 * A fresh signature shaped like Google's: standard base64 of a length-delimited protobuf whose payload starts with
 * the bytes every recorded signature shares (`EskgCsYgAb4+9v…` in vercel-ai/google-tool-call.json).
 */
export function newThoughtSignature(): string {
  const payload = Buffer.concat([Buffer.from([0x01, 0xbe, 0x3e, 0xf6]), randomBytes(96 + randomInt(64))]);
  const inner = Buffer.concat([Buffer.from([0x0a, ...varint(payload.length)]), payload]);
  return Buffer.concat([Buffer.from([0x12, ...varint(inner.length)]), inner]).toString('base64');
}

/** Index where the current turn starts: just after the last user content with a text part (functionResponse-only turns don't count). */
export function currentTurnStart(contents: SignedContent[]): number {
  for (let index = contents.length - 1; index >= 0; index -= 1) {
    const content = contents[index];
    if (content && content.role !== 'model' && content.parts.some((part) => typeof part.text === 'string')) return index + 1;
  }
  return 0;
}

function signatureOf(part: JsonObject): string | undefined {
  const signature = field(part, 'thoughtSignature');
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}

/**
 * Gemini 3 rejects a current turn whose model steps lack a signature on their first functionCall part
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). Any non-empty value passes, including the documented
 * dummy `skip_thought_signature_validator`. `position` is the 1-based index of the content, which matches the
 * `position 2` Google reports for [user, model] histories.
 */
export function missingThoughtSignatureError(contents: SignedContent[], model: string): GoogleErrorReply | undefined {
  if (!isGemini3OrLater(model)) return undefined;
  for (let index = currentTurnStart(contents); index < contents.length; index += 1) {
    const content = contents[index];
    if (!content || content.role !== 'model') continue;
    const firstCall = content.parts.find((part) => field(part, 'functionCall') !== undefined);
    if (!firstCall || signatureOf(firstCall) !== undefined) continue;
    const name = recordField(firstCall, 'functionCall')?.name;
    return googleError(
      400,
      'INVALID_ARGUMENT',
      `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(name)}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    );
  }
  return undefined;
}

/** The signatures the default behaviour handed out and every signature that came back in request contents. */
export class ThoughtSignatureLedger {
  /** Signatures issued by default answers, oldest first. */
  readonly issued: string[] = [];
  /** Signatures found in received request contents, in arrival order. */
  readonly received: ReceivedThoughtSignature[] = [];

  /** Issues and remembers a fresh signature. */
  issue(): string {
    const signature = newThoughtSignature();
    this.issued.push(signature);
    return signature;
  }

  /** Records every signed part of a request body (valid or not). */
  receive(body: unknown, requestIndex: number): void {
    if (!isRecord(body)) return;
    arrayField(body, 'contents').forEach((content, contentIndex) => {
      if (!isRecord(content)) return;
      arrayField(content, 'parts').forEach((part, partIndex) => {
        if (!isRecord(part)) return;
        const signature = signatureOf(part);
        if (signature === undefined) return;
        const name = recordField(part, 'functionCall')?.name;
        const functionName = typeof name === 'string' ? { functionName: name } : {};
        this.received.push({ requestIndex, contentIndex, partIndex, signature, ...functionName, issued: this.issued.includes(signature) });
      });
    });
  }

  /** Forgets everything (GeminiEmulator.reset). */
  clear(): void {
    this.issued.length = 0;
    this.received.length = 0;
  }
}
