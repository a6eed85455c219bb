/**
 * Text appended during one turn of the event loop, handed to `write` in one piece when `schedule` runs the flush
 * (process.nextTick: before any I/O is read; setImmediate: after this turn's I/O callbacks, so more can join).
 */
export class TurnBatch {
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly schedule: (flush: () => void) => void,
  ) {}

  /** Adds text to this turn's batch, scheduling the flush at the first addition. */
  add(text: string): void {
    this.pending += text;
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.flush);
    }
  }

  /** Removes and returns what is waiting (for a caller that writes it itself, e.g. with the last bytes of a response). */
  take(): string {
    const text = this.pending;
    this.pending = '';
    return text;
  }

  /** Writes what is waiting now; the scheduled flush then finds nothing. */
  readonly flush = (): void => {
    this.scheduled = false;
    const text = this.take();
    if (text) this.write(text);
  };
}
