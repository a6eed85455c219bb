import { mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchedStdout } from '@sidecar/observability/batched-stdout';
import { createLogger } from '@sidecar/observability/logger';
import { writeAccessLine } from '@sidecar/server/access-line';

/** Records what reaches the SonicBoom, one entry per write. */
function fakeSonic() {
  const writes: string[] = [];
  const sonic = { write: (text: string) => writes.push(text) > 0, flush: jest.fn(), flushSync: jest.fn() };
  return { writes, sonic: sonic as unknown as ConstructorParameters<typeof BatchedStdout>[0] };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedStdout', () => {
  it('writes the access lines of one event-loop turn in one write, at the end of the turn', async () => {
    const { writes, sonic } = fakeSonic();
    const out = new BatchedStdout(sonic, 1);
    out.writeBatched('a\n');
    out.writeBatched('b\n');
    out.writeBatched('c\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
    out.writeBatched('d\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('keeps the order of lines: any other line writes the pending batch first, and flush() does too', () => {
    const { writes, sonic } = fakeSonic();
    const out = new BatchedStdout(sonic, 1);
    out.writeBatched('access 1\n');
    out.write('warning\n');
    out.writeBatched('access 2\n');
    out.flush();
    expect(writes).toEqual(['access 1\n', 'warning\n', 'access 2\n']);
    expect(sonic.flush).toHaveBeenCalledTimes(1);
  });

  it('writes a pending batch synchronously to its file descriptor when the process exits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'batched-stdout-'));
    const fd = openSync(join(dir, 'out'), 'w');
    try {
      const { writes, sonic } = fakeSonic();
      const out = new BatchedStdout(sonic, fd);
      out.writeBatched('last line\n');
      out.writeOnExit();
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('last line\n');
      expect(writes).toEqual([]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the access lines of a logger built on it, and every other line of that logger in order', async () => {
    const { writes, sonic } = fakeSonic();
    const logger = createLogger('info', new BatchedStdout(sonic, 1));
    const fields = { method: 'GET', route: '/v1/models', path: '/v1/models', status: 200, durationMs: 1, completed: true };
    writeAccessLine(logger, fields);
    writeAccessLine(logger, { ...fields, status: 404 });
    logger.warn({ headers: { authorization: 'Bearer sk-secret' } }, 'after');
    await nextTurn();
    expect(writes).toHaveLength(2);
    expect(writes[0]!.trim().split('\n').map((line) => (JSON.parse(line) as { status: number }).status)).toEqual([200, 404]);
    expect(JSON.parse(writes[1]!)).toMatchObject({ msg: 'after', headers: { authorization: '[redacted]' } });
  });
});
