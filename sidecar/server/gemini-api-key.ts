import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors/sidecar-error';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The Gemini key for one request: the sidecar's own key when configured, otherwise the caller's
 * `Authorization: Bearer <key>` (what OpenAI SDKs send) or `x-goog-api-key` (what Google SDKs send).
 */
export function resolveGeminiApiKey(headers: IncomingHttpHeaders, configuredKey: string | undefined): string {
  if (configuredKey) return configuredKey;
  const bearer = BEARER.exec(headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const googleKey = headers['x-goog-api-key'];
  const key = (Array.isArray(googleKey) ? googleKey[0] : googleKey)?.trim();
  if (key) return key;
  throw new AuthenticationError(
    'No API key provided. Send "Authorization: Bearer <Gemini API key>", or set GEMINI_API_KEY on the sidecar.',
  );
}
