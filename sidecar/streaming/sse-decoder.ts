/** One unit read from an SSE body: a `data:` event, or text outside any SSE field (Gemini's bare error JSON). */
export type SseItem = { kind: 'data'; data: string } | { kind: 'raw'; text: string };

/** Thrown when a single event grows past the configured bound. */
export class SseEventTooLargeError extends Error {
  constructor(limit: number) {
    super(`An upstream stream event exceeded ${limit} bytes`);
    this.name = 'SseEventTooLargeError';
  }
}

/**
 * Incremental `text/event-stream` decoder. Gemini frames events with CRLF CRLF (the SSE spec also allows LF and CR),
 * events may be split across reads or packed several to a read, and an error can arrive mid-stream as a bare
 * (often pretty-printed) JSON body with no `data:` prefix: https://github.com/googleapis/python-genai (stream parser).
 * Such lines are kept and surfaced as `raw` items instead of being dropped.
 */
export class SseDecoder {
  private buffer = '';
  private dataLines: string[] = [];
  private rawLines: string[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxEventBytes = 64 * 1024 * 1024) {}

  /** Feeds decoded text; returns the items completed by it. */
  push(text: string): SseItem[] {
    this.buffer += text;
    const items: SseItem[] = [];
    let start = 0;
    for (;;) {
      const lineEnd = this.findLineEnd(start);
      if (lineEnd === -1) break;
      const line = this.buffer.slice(start, lineEnd);
      start = lineEnd + (this.buffer[lineEnd] === '\r' && this.buffer[lineEnd + 1] === '\n' ? 2 : 1);
      this.takeLine(line, items);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.pendingBytes > this.maxEventBytes) throw new SseEventTooLargeError(this.maxEventBytes);
    return items;
  }

  /** Flushes whatever is left when the body ends (an unterminated last event counts). */
  end(): SseItem[] {
    const items: SseItem[] = [];
    // A CR held back by push() (it might have been the first half of CRLF) ends the last line.
    const rest = this.buffer.endsWith('\r') ? this.buffer.slice(0, -1) : this.buffer;
    if (rest.length > 0) this.takeLine(rest, items);
    this.buffer = '';
    this.dispatch(items);
    this.flushRaw(items);
    return items;
  }

  private findLineEnd(from: number): number {
    for (let index = from; index < this.buffer.length; index++) {
      const char = this.buffer.charCodeAt(index);
      if (char === 10) return index;
      if (char === 13) return index + 1 < this.buffer.length ? index : -1; // a CR at the end may precede an LF
    }
    return -1;
  }

  private takeLine(line: string, items: SseItem[]): void {
    if (line.length === 0) return this.dispatch(items);
    if (line.startsWith('data:')) {
      this.dataLines.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    } else if (line.startsWith(':') || /^(event|id|retry):/.test(line)) {
      return;
    } else {
      this.rawLines.push(line); // bare JSON may contain blank lines, so it is only flushed by end()
    }
    this.pendingBytes += line.length;
    if (this.pendingBytes > this.maxEventBytes) throw new SseEventTooLargeError(this.maxEventBytes);
  }

  private dispatch(items: SseItem[]): void {
    if (this.dataLines.length > 0) {
      const data = this.dataLines.join('\n');
      items.push({ kind: 'data', data });
      this.dataLines = [];
    }
    this.pendingBytes = this.rawLines.reduce((sum, line) => sum + line.length, 0);
  }

  private flushRaw(items: SseItem[]): void {
    if (this.rawLines.length > 0) items.push({ kind: 'raw', text: this.rawLines.join('\n') });
    this.rawLines = [];
    this.pendingBytes = 0;
  }
}
