import { writeSync } from 'node:fs';
import type pino from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * The logger's stdout: ordinary lines are written as pino writes them; access lines (`writeBatched`) leave together
 * with the others finished in the same turn of the event loop, in one write. Under load a turn finishes several
 * requests, and one stdout write per access line (an fs.write and its thread-pool round trip) was 4-5 % of the
 * sidecar's CPU in the bench profile. Any other line first writes the batch, so lines keep their order; nothing
 * waits longer than the end of the current turn.
 */
export class BatchedStdout {
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly sonic: SonicBoom,
    private readonly fd: number,
  ) {
    process.once('exit', () => this.writeOnExit());
  }

  /** pino flushes the SonicBoom on exit; a batch of the last turn goes out synchronously. */
  writeOnExit(): void {
    if (this.pending) writeSync(this.fd, this.pending);
    this.pending = '';
  }

  write(line: string): boolean {
    this.writePending();
    return this.sonic.write(line);
  }

  /** Adds a line to this turn's batch. */
  writeBatched(line: string): void {
    this.pending += line;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.writePending);
    }
  }

  flush(callback?: (error?: Error) => void): void {
    this.writePending();
    this.sonic.flush(callback);
  }

  flushSync(): void {
    this.writePending();
    this.sonic.flushSync();
  }

  private readonly writePending = (): void => {
    this.scheduled = false;
    if (!this.pending) return;
    const lines = this.pending;
    this.pending = '';
    this.sonic.write(lines);
  };
}
