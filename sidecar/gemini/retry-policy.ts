/** Retry settings (config `gemini.retry`). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest delay Google may ask for (RetryInfo / Retry-After) that the sidecar still waits out; longer → answer now. */
  maxRetryWaitMs: number;
  /** No new attempt starts this long after the first one did. */
  deadlineMs: number;
}

/** Statuses worth another attempt: https://ai.google.dev/gemini-api/docs/troubleshooting (408, 429, 5xx). */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** One failed attempt, as the retry decision sees it. */
export interface FailedAttempt {
  attempt: number;
  elapsedMs: number;
  /** Gemini's HTTP status, or undefined for a transport failure (reset, refused, connect timeout). */
  status?: number;
  /** Delay Google asked for, in ms (RetryInfo.retryDelay or Retry-After). */
  requestedDelayMs?: number;
  /** Another key of the pool can take the next attempt at once. */
  otherKeyReady?: boolean;
}

/** Whether to try again and after how long. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Exponential backoff with full jitter (delay = random × min(max, base × 2^(attempt-1))), honouring the delay Google
 * asks for. A requested delay longer than `maxRetryWaitMs` (a per-day quota saying "retry in 34 s") is not waited
 * out: the caller gets the 429 and its Retry-After at once. 400/401/403/404 are never retried.
 */
export function decideRetry(failure: FailedAttempt, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
  if (failure.attempt >= policy.maxAttempts) return { retry: false };
  if (failure.status !== undefined && !RETRYABLE_STATUSES.has(failure.status)) return { retry: false };
  if (failure.status === 429 && failure.otherKeyReady) return { retry: true, delayMs: 0 };
  let delayMs: number;
  if (failure.requestedDelayMs !== undefined) {
    if (failure.requestedDelayMs > policy.maxRetryWaitMs) return { retry: false };
    delayMs = failure.requestedDelayMs;
  } else {
    delayMs = Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failure.attempt - 1)));
  }
  if (failure.elapsedMs + delayMs >= policy.deadlineMs) return { retry: false };
  return { retry: true, delayMs };
}
