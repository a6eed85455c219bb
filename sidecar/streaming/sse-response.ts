import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { TurnBatch } from '../util/turn-batch';

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
  /**
   * Events sent in one turn of the event loop leave in one response write, on the next tick: a Gemini chunk often
   * becomes several events (a Responses stream's first and last chunks six or more), and the last is followed by the
   * finish event and `[DONE]`. One write is one HTTP chunk and one socket write instead of one of each per event.
   * Nothing waits for more data: the tick ends as soon as the events at hand are built.
   */
  private readonly batch = new TurnBatch((text) => {
    if (!this.writable) return;
    this.wrote = true;
    this.res.write(text);
  }, (flush) => process.nextTick(flush));

  /** Whether anything (and so the head) went to the socket. */
  private wrote = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly namedEvents = false,
  ) {}

  /**
   * Opens the stream: the status line and headers leave with the first events when those are queued in this turn of
   * the event loop (the usual case: Gemini's first chunk tends to arrive with its headers), else on their own at the
   * end of the turn, so the client sees the stream open without waiting for the model. One socket write per stream
   * fewer than flushing them here.
   */
  open(extraHeaders: Record<string, string> = {}): void {
    this.res.writeHead(200, { ...SSE_HEADERS, ...extraHeaders });
    setImmediate(this.flushHeadersIfIdle);
  }

  // writeHead only stores the head until the first write. flushHeaders after that still makes an empty socket write.
  private readonly flushHeadersIfIdle = (): void => {
    if (!this.wrote && this.writable) this.res.flushHeaders();
  };

  /** Whether the client is still there. */
  get writable(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /**
   * Queues one event for this turn's write. Returns a promise only while the socket buffer is full (wait for it, so
   * memory per stream stays bounded to about one turn of events); otherwise undefined, sparing a promise per event.
   */
  send(value: unknown): Promise<void> | undefined {
    if (!this.writable) return undefined;
    const data = `data: ${JSON.stringify(value)}\n\n`;
    this.batch.add(this.namedEvents ? `event: ${(value as { type?: string }).type ?? 'message'}\n${data}` : data);
    if (!this.res.writableNeedDrain) return undefined;
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
    if (this.writable) this.res.end(`${this.batch.take()}data: [DONE]\n\n`);
  }

  /** Ends the stream without a sentinel (the Responses API ends on its terminal event). */
  end(): void {
    const text = this.batch.take();
    if (this.writable) this.res.end(text || undefined);
  }

  /** Ends a failed stream with an error event and no `[DONE]`, so no client mistakes it for a finished answer. */
  fail(errorBody: unknown): void {
    if (this.writable) this.res.end(`${this.batch.take()}data: ${JSON.stringify(errorBody)}\n\n`);
  }
}
