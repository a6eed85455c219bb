/** Per-call credentials and cancellation; `apiKey` is the caller's, used only when the sidecar has no keys. */
export interface GeminiCallOptions {
  apiKey?: string;
  signal?: AbortSignal;
  /** Vertex AI request labels (cost attribution); the Developer API has none. */
  labels?: Record<string, string>;
}

/** One call in progress: its combined signal, the overall deadline, and the keys it used (for redaction). */
export interface ActiveCall {
  signal: AbortSignal;
  clientSignal: AbortSignal | undefined;
  deadline: { readonly aborted: boolean };
  started: number;
  usedKeys: Set<string>;
  callerKey: string | undefined;
  labels: Record<string, string> | undefined;
  /** Ends the trace of the successful attempt whose body is being read, once it has been. */
  attemptDone?: () => void;
  /** Releases the total-timeout timer once the call is over. */
  end(): void;
}

/**
 * Starts a call: one controller fed by the caller's signal and a cleared timer. AbortSignal.timeout() cannot be
 * cancelled (it would pin each finished call for the whole totalTimeoutMs) and AbortSignal.any costs weak refs per call.
 */
export function beginCall(call: GeminiCallOptions, totalTimeoutMs: number): ActiveCall {
  const controller = new AbortController();
  const deadline = { aborted: false };
  const timer = setTimeout(() => {
    deadline.aborted = true;
    controller.abort();
  }, totalTimeoutMs);
  timer.unref();
  const clientSignal = call.signal;
  const onClientAbort = () => controller.abort();
  if (clientSignal?.aborted) controller.abort();
  else clientSignal?.addEventListener('abort', onClientAbort, { once: true });
  const active: ActiveCall = {
    signal: controller.signal,
    clientSignal,
    deadline,
    started: Date.now(),
    usedKeys: new Set(),
    callerKey: call.apiKey,
    labels: call.labels,
    end: () => {
      clearTimeout(timer);
      clientSignal?.removeEventListener('abort', onClientAbort);
      active.attemptDone?.();
      active.attemptDone = undefined;
    },
  };
  return active;
}
