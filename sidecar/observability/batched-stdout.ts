import { writeSync } from 'node:fs';
import type pino from 'pino';
import { TurnBatch } from '../util/turn-batch';

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * The logger's stdout: ordinary lines are written as pino writes them; access lines (`writeBatched`) leave together
 * with the others finished in the same turn of the event loop, in one write. Under load a turn finishes several
 * requests, and one stdout write per access line (an fs.write and its thread-pool round trip) was 4-5 % of the
 * sidecar's CPU in the bench profile. Any other line first writes the batch, so lines keep their order; nothing
 * waits longer than the end of the current turn.
 */
export class BatchedStdout {
  private readonly batch: TurnBatch;

  constructor(
    private readonly sonic: SonicBoom,
    private readonly fd: number,
  ) {
    this.batch = new TurnBatch((lines) => this.sonic.write(lines), (flush) => setImmediate(flush));
    process.once('exit', () => this.writeOnExit());
  }

  /** pino flushes the SonicBoom on exit; a batch of the last turn goes out synchronously. */
  writeOnExit(): void {
    const lines = this.batch.take();
    if (lines) writeSync(this.fd, lines);
  }

  write(line: string): boolean {
    this.batch.flush();
    return this.sonic.write(line);
  }

  /** Adds a line to this turn's batch. */
  writeBatched(line: string): void {
    this.batch.add(line);
  }

  flush(callback?: (error?: Error) => void): void {
    this.batch.flush();
    this.sonic.flush(callback);
  }

  flushSync(): void {
    this.batch.flush();
    this.sonic.flushSync();
  }
}
