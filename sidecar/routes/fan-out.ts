import type { GeminiCallOptions } from '../gemini/active-call';

/**
 * `n` upstream calls started at once under one abort signal linked to the request's: the first failure, the client
 * leaving or `abort()` ends them all, so no call outlives the request. `dispose()` unlinks it at the end.
 */
export class FanOut {
  private readonly controller = new AbortController();
  private readonly onParentAbort = (): void => this.controller.abort(this.parent?.reason);

  constructor(
    readonly calls: number,
    private readonly parent: AbortSignal | undefined,
  ) {
    if (parent?.aborted) this.onParentAbort();
    parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  /** Runs `start` once per call with the shared signal; results in call order. */
  start<T>(call: GeminiCallOptions, start: (call: GeminiCallOptions) => Promise<T>): Promise<T[]> {
    const shared = { ...call, signal: this.controller.signal };
    return Promise.all(
      Array.from({ length: this.calls }, () =>
        start(shared).catch((error: unknown) => {
          this.abort(error);
          throw error;
        }),
      ),
    );
  }

  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/**
 * Interleaves several async iterables as their items arrive, tagging each with its source's index. When one fails or
 * the consumer stops early, the others are closed (their upstream streams end with them).
 */
export async function* interleave<T>(sources: ReadonlyArray<AsyncIterable<T>>): AsyncGenerator<[number, T]> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number): void => {
    pending.set(index, iterators[index]!.next().then((result) => ({ index, result })));
  };
  iterators.forEach((_, index) => pull(index));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield [index, result.value];
    }
  } finally {
    // Settle what is still in flight so no rejection goes unhandled, then close every source still open.
    for (const promise of pending.values()) promise.catch(() => undefined);
    await Promise.allSettled(iterators.map((iterator, index) => (pending.has(index) ? iterator.return?.() : undefined)));
  }
}
