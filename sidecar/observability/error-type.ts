import {
  ClientClosedError,
  SidecarError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from '../errors/sidecar-error';

/**
 * `error.type` for a failed GenAI operation, low-cardinality as semconv asks: Gemini's HTTP status as a string,
 * or timeout / network / bad_response / cancelled.
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof ClientClosedError) return 'cancelled';
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error instanceof UpstreamUnreachableError) return error.code === 'upstream_unreachable' ? 'network' : 'bad_response';
  if (error instanceof UpstreamError) return String(upstreamStatus(error));
  if (error instanceof SidecarError) return String(error.status);
  return '_OTHER';
}

/** Gemini says 400 API_KEY_INVALID where the sidecar answers 401; metrics keep what Gemini said. */
function upstreamStatus(error: UpstreamError): number {
  return error.code === 'invalid_api_key' && error.status === 401 ? 400 : error.status;
}

/** `outcome` label of one upstream HTTP attempt, from its status or transport error. */
export function attemptOutcome(status: number | undefined, error?: unknown): string {
  if (error !== undefined) {
    if (error instanceof ClientClosedError) return 'cancelled';
    if (error instanceof UpstreamTimeoutError) return 'timeout';
    return 'network';
  }
  if (status === undefined || status < 400) return 'ok';
  if (status === 429) return '429';
  return status >= 500 ? '5xx' : '4xx';
}
