import { TurnBatch } from '@sidecar/util/turn-batch';

describe('TurnBatch', () => {
  it('writes what one turn added in one piece, once, when the scheduled flush runs', () => {
    const written: string[] = [];
    const scheduled: Array<() => void> = [];
    const batch = new TurnBatch((text) => written.push(text), (flush) => scheduled.push(flush));
    batch.add('a');
    batch.add('b');
    expect([written, scheduled.length]).toEqual([[], 1]);
    scheduled[0]!();
    batch.add('c');
    expect([written, scheduled.length]).toEqual([['ab'], 2]);
  });

  it('flushes early on demand, and take() hands the text to the caller instead of write', () => {
    const written: string[] = [];
    const scheduled: Array<() => void> = [];
    const batch = new TurnBatch((text) => written.push(text), (flush) => scheduled.push(flush));
    batch.add('a');
    batch.flush();
    batch.add('b');
    expect(batch.take()).toBe('b');
    for (const flush of scheduled) flush();
    expect(written).toEqual(['a']);
  });
});
