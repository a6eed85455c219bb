/** Label value every consumer outside the allow-list, or past the first `max` seen, is counted under. */
export const OTHER_CONSUMER = 'other';

/**
 * Bounds the `consumer` label: with an allow-list, exactly those names (and `other`); without one, the first `max`
 * distinct consumers seen since start-up (and `other`). A replica restart may admit different names; the allow-list
 * is the stable choice. Memory: one Set entry per admitted name (≤ 128 characters).
 */
export class ConsumerLabels {
  private readonly allowed: ReadonlySet<string>;
  private readonly seen = new Set<string>();

  constructor(
    allow: readonly string[],
    private readonly max: number,
  ) {
    this.allowed = new Set(allow);
  }

  /** The label value for a consumer id. */
  label(id: string): string {
    if (this.allowed.size > 0) return this.allowed.has(id) ? id : OTHER_CONSUMER;
    if (this.seen.has(id)) return id;
    if (this.seen.size >= this.max || id === OTHER_CONSUMER) return OTHER_CONSUMER;
    this.seen.add(id);
    return id;
  }

  /** Every label value admitted so far (the allow-list, or the names seen), for per-consumer gauges. */
  known(): string[] {
    return [...(this.allowed.size > 0 ? this.allowed : this.seen)];
  }
}
