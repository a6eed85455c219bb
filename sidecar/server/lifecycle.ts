import type { RequestHandler } from 'express';
import { SidecarError } from '../errors/sidecar-error';

/** 503 while the sidecar is at its concurrency limit; clients retry after a second. */
export class OverloadedError extends SidecarError {
  constructor(limit: number) {
    super(`The sidecar is serving its limit of ${limit} concurrent requests; retry shortly.`, {
      status: 503,
      type: 'api_error',
      code: 'server_overloaded',
      headers: { 'Retry-After': '1' },
    });
  }
}

/** 503 for work cut short by shutdown. */
export class ShuttingDownError extends SidecarError {
  constructor() {
    super('The sidecar is shutting down; retry on another replica.', { status: 503, type: 'api_error', code: 'server_shutting_down', headers: { 'Retry-After': '1' } });
  }
}

/**
 * In-flight accounting for load shedding and graceful shutdown: counts requests, refuses work beyond the limit with
 * 503 + Retry-After instead of running out of memory, and lets shutdown wait for the count to reach zero.
 */
export class Lifecycle {
  /** Aborted when the drain timeout ran out: streams still open end with an error event. */
  readonly forceStop = new AbortController();
  private inflight = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly maxConcurrent: number) {}

  /** Requests being served now. */
  get active(): number {
    return this.inflight;
  }

  /** Express middleware: counts the request until its response closes; sheds load. */
  middleware(): RequestHandler {
    return (_req, res, next) => {
      if (this.inflight >= this.maxConcurrent) {
        next(new OverloadedError(this.maxConcurrent));
        return;
      }
      this.inflight++;
      res.once('close', () => {
        this.inflight--;
        if (this.inflight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
      next();
    };
  }

  /** The error a request ends with: a shutdown, when the drain timeout's force stop is what cut it short. */
  errorFor(thrown: unknown): unknown {
    return this.forceStop.signal.aborted ? new ShuttingDownError() : thrown;
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.inflight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
