import { StringDecoder } from 'node:string_decoder';

/** Raised when one line grows past the limit before its newline arrives. */
export class LineTooLongError extends Error {
  constructor(readonly line: number, readonly limit: number) {
    super(`line ${line} is longer than ${limit} characters`);
  }
}

/** Bytes in, whole UTF-8 lines out (without `\n` / `\r\n`); memory holds one partial line, at most `maxLineChars`. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** Lines returned so far (1-based number of the last one). */
  count = 0;

  constructor(private readonly maxLineChars: number) {}

  push(chunk: Buffer): string[] {
    const text = this.pending + this.decoder.write(chunk);
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > this.maxLineChars) throw new LineTooLongError(this.count + parts.length + 1, this.maxLineChars);
    return this.take(parts);
  }

  end(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? [] : this.take([rest]);
  }

  private take(lines: string[]): string[] {
    for (const line of lines) {
      this.count += 1;
      if (line.length > this.maxLineChars) throw new LineTooLongError(this.count, this.maxLineChars);
    }
    return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }
}
