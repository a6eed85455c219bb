import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseResponse } from '@sidecar/streaming/sse-response';

/** A response whose socket buffer is full after the write numbered `fullAfter`, until 'drain' is emitted. */
function fakeResponse(fullAfter: number): { res: ServerResponse; written: string[] } {
  const written: string[] = [];
  const emitter = new EventEmitter() as EventEmitter & Record<string, unknown>;
  Object.assign(emitter, {
    destroyed: false,
    writableEnded: false,
    write: (text: string) => {
      written.push(text);
      return written.length !== fullAfter;
    },
  });
  return { res: emitter as unknown as ServerResponse, written };
}

describe('SseResponse.sendAll', () => {
  it('writes every event at once and returns no promise while the socket takes them', () => {
    const { res, written } = fakeResponse(0);
    expect(new SseResponse(res).sendAll([{ a: 1 }, { a: 2 }])).toBeUndefined();
    expect(written).toEqual(['data: {"a":1}\n\n', 'data: {"a":2}\n\n']);
  });

  it('stops at back-pressure and sends the rest, in order, once the socket drained', async () => {
    const { res, written } = fakeResponse(2);
    const pending = new SseResponse(res).sendAll([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(pending).toBeInstanceOf(Promise);
    expect(written).toEqual(['data: {"n":1}\n\n', 'data: {"n":2}\n\n']);
    res.emit('drain');
    await pending;
    expect(written.map((text) => JSON.parse(text.slice('data: '.length)).n)).toEqual([1, 2, 3, 4]);
  });
});
