import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Headers of every SSE answer; X-Accel-Buffering stops nginx-style ingresses from holding chunks back. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/**
 * Writes OpenAI-style SSE (`data: <json>\n\n`, then `data: [DONE]`), honouring back-pressure. With `namedEvents` each
 * event also gets an `event: <type>` line, as the Responses API sends them.
 */
export class SseResponse {
  private corked = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly namedEvents = false,
  ) {}

  /**
   * Events written in one turn of the event loop leave in one socket write: the socket is corked at the first and
   * uncorked on the next tick. A Gemini chunk often becomes several events, and the last one is followed by the finish
   * chunk and `[DONE]`; each used to cost a write syscall of its own. Nothing waits for more data: the tick ends as
   * soon as the events at hand are written. The socket, not the response, is corked: a corked ServerResponse keeps
   * its chunks apart and end() would send the chunked terminator ahead of them; end() uncorks the socket fully.
   */
  private readonly uncork = (): void => {
    this.corked = false;
    if (!this.res.writableEnded) this.res.socket?.uncork();
  };

  /** Sends the status line and headers at once so the client sees the stream open. */
  open(extraHeaders: Record<string, string> = {}): void {
    this.res.writeHead(200, { ...SSE_HEADERS, ...extraHeaders });
    this.res.flushHeaders();
  }

  /** Whether the client is still there. */
  get writable(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /**
   * Sends one event. Returns a promise only when the socket buffer is full (wait for it, so memory per stream stays
   * bounded); otherwise undefined, sparing a promise per event on the hot path.
   */
  send(value: unknown): Promise<void> | undefined {
    if (!this.writable) return undefined;
    if (!this.corked && this.res.socket) {
      this.corked = true;
      this.res.socket.cork();
      process.nextTick(this.uncork);
    }
    const data = `data: ${JSON.stringify(value)}\n\n`;
    if (this.res.write(this.namedEvents ? `event: ${(value as { type?: string }).type ?? 'message'}\n${data}` : data)) return undefined;
    return Promise.race([once(this.res, 'drain'), once(this.res, 'close')]).then(() => undefined);
  }

  /** Sends events in order; a promise only when one of them met back-pressure (the rest follow once it drained). */
  sendAll(values: readonly unknown[], from = 0): Promise<void> | undefined {
    for (let index = from; index < values.length; index++) {
      const full = this.send(values[index]);
      if (full) return full.then(() => this.sendAll(values, index + 1));
    }
    return undefined;
  }

  /** Ends a complete stream with the `[DONE]` sentinel OpenAI clients wait for. */
  done(): void {
    if (this.writable) this.res.end('data: [DONE]\n\n');
  }

  /** Ends the stream without a sentinel (the Responses API ends on its terminal event). */
  end(): void {
    if (this.writable) this.res.end();
  }

  /** Ends a failed stream with an error event and no `[DONE]`, so no client mistakes it for a finished answer. */
  fail(errorBody: unknown): void {
    if (this.writable) this.res.end(`data: ${JSON.stringify(errorBody)}\n\n`);
  }
}
