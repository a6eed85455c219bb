import { ClientClosedError, SidecarError, UpstreamTimeoutError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { SseEventTooLargeError } from '../streaming/sse-decoder';
import type { ActiveCall } from './active-call';

/** The timeouts named in timeout messages. */
export interface TimeoutLimits {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
}

/** What a failed transport (or a cancelled call) becomes for the client: cancelled, a timeout, or unreachable. */
export function transportError(error: unknown, active: ActiveCall, limits: TimeoutLimits): Error {
  if (active.clientSignal?.aborted) return new ClientClosedError();
  if (active.deadline.aborted) {
    return new UpstreamTimeoutError(`Gemini did not finish within the sidecar's total timeout of ${limits.totalTimeoutMs} ms.`, error);
  }
  if (error instanceof SidecarError || error instanceof ClientClosedError) return error;
  if (error instanceof SseEventTooLargeError) return new UpstreamUnreachableError(error.message, 'upstream_bad_response');
  const code = (error as { code?: string }).code ?? 'UNKNOWN';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new UpstreamTimeoutError(`Timed out connecting to Gemini after ${limits.connectTimeoutMs} ms.`, error);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new UpstreamTimeoutError(`Gemini did not answer within ${limits.firstByteTimeoutMs} ms.`, error);
    case 'UND_ERR_BODY_TIMEOUT':
      return new UpstreamTimeoutError(`Gemini sent nothing for ${limits.idleTimeoutMs} ms mid-response.`, error);
    default:
      return new UpstreamUnreachableError(`Could not complete the call to Gemini (${code}).`, 'upstream_unreachable', error);
  }
}

/** Refused, reset and connect-timeout failures happen before Gemini did any work: safe to try again. */
export function isRetryableTransport(error: Error): boolean {
  if (error instanceof UpstreamUnreachableError) return error.code === 'upstream_unreachable';
  return error instanceof UpstreamTimeoutError && (error.cause as { code?: string } | undefined)?.code === 'UND_ERR_CONNECT_TIMEOUT';
}
