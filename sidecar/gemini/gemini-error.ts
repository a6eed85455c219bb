import { z } from 'zod';
import { UpstreamError, type OpenAIErrorType } from '../errors/sidecar-error';

const geminiErrorSchema = z.object({
  error: z.object({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    details: z.array(z.looseObject({ '@type': z.string().nullish() })).nullish(),
  }),
});

/** Gemini's error envelope `{error:{code,message,status,details}}`. */
export type GeminiErrorBody = z.infer<typeof geminiErrorSchema>;

/** Reads a Gemini error body, which Google also sends wrapped in a one-element array on some paths. */
export function parseGeminiErrorBody(value: unknown): GeminiErrorBody | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  const result = geminiErrorSchema.safeParse(candidate);
  return result.success ? result.data : undefined;
}

/** HTTP status → OpenAI error type; the status itself is kept as Gemini sent it. */
function openAITypeForStatus(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** google.rpc status → OpenAI `code` where OpenAI clients key on a specific one. */
const CODE_BY_GOOGLE_STATUS: Record<string, string> = {
  NOT_FOUND: 'model_not_found',
  RESOURCE_EXHAUSTED: 'rate_limit_exceeded',
  PERMISSION_DENIED: 'permission_denied',
  UNAUTHENTICATED: 'invalid_api_key',
};

/** RetryInfo's `retryDelay`, a protobuf Duration string such as "34.4s", in milliseconds. */
export function retryDelayMs(body: GeminiErrorBody | undefined): number | undefined {
  for (const detail of body?.error.details ?? []) {
    if (!String(detail['@type']).endsWith('google.rpc.RetryInfo')) continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(String(detail.retryDelay ?? ''));
    if (match?.[1]) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

/** RetryInfo's delay as Retry-After wants it: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(body: GeminiErrorBody | undefined): number | undefined {
  const ms = retryDelayMs(body);
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}

function hasReason(body: GeminiErrorBody | undefined, reason: string): boolean {
  return (body?.error.details ?? []).some((detail) => detail.reason === reason);
}

/**
 * Gemini error → the sidecar's UpstreamError with the same HTTP status and Gemini's own message.
 * Exception: a bad key is 400 API_KEY_INVALID at Google, but OpenAI clients expect 401 for it.
 */
export function geminiErrorToSidecarError(
  status: number,
  body: GeminiErrorBody | undefined,
  upstreamRetryAfter?: string,
): UpstreamError {
  const googleStatus = body?.error.status ?? undefined;
  const message = body?.error.message || `Gemini answered HTTP ${status}${googleStatus ? ` ${googleStatus}` : ''}.`;
  const headers: Record<string, string> = {};
  const retryAfter = retryAfterSeconds(body) ?? (upstreamRetryAfter && /^\d+$/.test(upstreamRetryAfter) ? Number(upstreamRetryAfter) : undefined);
  if (status === 429 && retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  if (hasReason(body, 'API_KEY_INVALID')) {
    return new UpstreamError(message, { status: 401, type: 'authentication_error', code: 'invalid_api_key' });
  }
  let code = googleStatus ? (CODE_BY_GOOGLE_STATUS[googleStatus] ?? googleStatus.toLowerCase()) : null;
  if (status === 400 && /input token count.*exceeds|exceeds the maximum number of tokens/i.test(message)) {
    code = 'context_length_exceeded';
  }
  if (status === 404 && code === 'model_not_found') {
    return new UpstreamError(message, { status, type: 'invalid_request_error', code, param: 'model' });
  }
  const mappedStatus = status >= 400 && status <= 599 ? status : 502;
  const error = new UpstreamError(message, { status: mappedStatus, type: openAITypeForStatus(mappedStatus), code, headers });
  error.retryAfterMs = retryDelayMs(body);
  return error;
}
