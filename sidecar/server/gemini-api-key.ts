import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors/sidecar-error';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The caller's Gemini key for one request, or undefined when the sidecar has keys of its own (GEMINI_API_KEY,
 * GEMINI_API_KEYS): then those are used whatever the caller sends. Otherwise the caller's `Authorization: Bearer <key>`
 * (what OpenAI SDKs send) or `x-goog-api-key` (what Google SDKs send); neither → 401.
 */
export function resolveGeminiApiKey(headers: IncomingHttpHeaders, serverHasKeys: boolean): string | undefined {
  if (serverHasKeys) return undefined;
  const bearer = BEARER.exec(headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const googleKey = headers['x-goog-api-key'];
  const key = (Array.isArray(googleKey) ? googleKey[0] : googleKey)?.trim();
  if (key) return key;
  throw new AuthenticationError(
    'No API key provided. Send "Authorization: Bearer <Gemini API key>", or set GEMINI_API_KEY on the sidecar.',
  );
}
