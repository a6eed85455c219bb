import { EventEmitter, once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SseResponse } from '@sidecar/streaming/sse-response';

/** A response whose socket buffer counts as full (writableNeedDrain) from the write numbered `fullAfter` until 'drain'. */
function fakeResponse(fullAfter: number): { res: ServerResponse; written: string[] } {
  const written: string[] = [];
  const emitter = new EventEmitter() as EventEmitter & Record<string, unknown>;
  Object.assign(emitter, {
    destroyed: false,
    writableEnded: false,
    writableNeedDrain: false,
    write: (text: string) => {
      written.push(text);
      if (written.length === fullAfter) emitter.writableNeedDrain = true;
      return !emitter.writableNeedDrain;
    },
  });
  emitter.on('drain', () => (emitter.writableNeedDrain = false));
  return { res: emitter as unknown as ServerResponse, written };
}

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('SseResponse.sendAll', () => {
  it('writes the events of one turn in one write on the next tick, and returns no promise while the socket takes them', async () => {
    const { res, written } = fakeResponse(0);
    expect(new SseResponse(res).sendAll([{ a: 1 }, { a: 2 }])).toBeUndefined();
    expect(written).toEqual([]);
    await nextTick();
    expect(written).toEqual(['data: {"a":1}\n\ndata: {"a":2}\n\n']);
  });

  it('waits for drain once the socket buffer is full, then sends the rest in order', async () => {
    const { res, written } = fakeResponse(1);
    const sse = new SseResponse(res);
    expect(sse.sendAll([{ n: 1 }, { n: 2 }])).toBeUndefined();
    await nextTick();
    // The first write filled the buffer: the next turn's events wait for drain (one turn's worth is queued).
    const pending = sse.sendAll([{ n: 3 }, { n: 4 }]);
    expect(pending).toBeInstanceOf(Promise);
    await nextTick();
    expect(written).toHaveLength(2);
    let settled = false;
    void pending!.then(() => (settled = true));
    await nextTick();
    expect(settled).toBe(false);
    res.emit('drain');
    await pending;
    await nextTick();
    const events = written.join('').split('\n\n').filter(Boolean).map((text) => JSON.parse(text.slice('data: '.length)).n);
    expect(events).toEqual([1, 2, 3, 4]);
  });

  it('ends with the events still queued in this turn ahead of [DONE], an error event or the end', () => {
    for (const finish of ['done', 'fail', 'end'] as const) {
      const { res } = fakeResponse(0);
      let ended: unknown;
      Object.assign(res, { end: (text?: string) => (ended = text) });
      const sse = new SseResponse(res);
      sse.send({ n: 1 });
      if (finish === 'done') sse.done();
      else if (finish === 'fail') sse.fail({ error: { message: 'x' } });
      else sse.end();
      expect({ finish, ended }).toEqual({
        finish,
        ended: { done: 'data: {"n":1}\n\ndata: [DONE]\n\n', fail: 'data: {"n":1}\n\ndata: {"error":{"message":"x"}}\n\n', end: 'data: {"n":1}\n\n' }[finish],
      });
    }
  });
});

/** A real server whose handler gets an SseResponse; counts the socket writes (write syscalls) of each response. */
async function sseServer(handler: (sse: SseResponse, res: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string; writes: () => number }> {
  let writes = 0;
  const server = createServer((_req, res) => {
    const socket = res.socket as Socket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => {
        writes++;
        original(...args);
      };
    }
    const sse = new SseResponse(res);
    sse.open();
    void handler(sse, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, writes: () => writes };
}

/** The body's data events as they arrive, resolving each `waiters[n]` when n events were read. */
function readEvents(url: string): { events: string[]; done: Promise<void>; response: Promise<IncomingMessage> } {
  const events: string[] = [];
  let buffered = '';
  let resolveResponse!: (response: IncomingMessage) => void;
  const response = new Promise<IncomingMessage>((resolve) => (resolveResponse = resolve));
  const done = new Promise<void>((resolve, reject) => {
    get(url, (res) => {
      resolveResponse(res);
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        buffered += text;
        const parts = buffered.split('\n\n');
        buffered = parts.pop()!;
        events.push(...parts);
      });
      res.on('end', resolve);
      res.on('error', reject);
    }).on('error', reject);
  });
  return { events, done, response };
}

describe('SseResponse on a real socket', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('sends the events of one tick, the [DONE] included, in one socket write', async () => {
    const started = await sseServer(async (sse) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      sse.sendAll([{ n: 1 }, { n: 2 }, { n: 3 }]);
      sse.done();
    });
    server = started.server;
    const reader = readEvents(started.url);
    await reader.done;
    expect(reader.events).toEqual(['data: {"n":1}', 'data: {"n":2}', 'data: {"n":3}', 'data: [DONE]']);
    // The headers (flushed on their own at the end of open's turn) and then one write for three events, the sentinel
    // and the chunked terminator.
    expect(started.writes()).toBe(2);
  });

  it('sends the headers with the first events when those are queued in the turn the stream opened', async () => {
    const started = await sseServer(async (sse) => {
      sse.sendAll([{ n: 1 }, { n: 2 }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      sse.send({ n: 3 });
      sse.done();
    });
    server = started.server;
    const reader = readEvents(started.url);
    const response = await reader.response;
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await reader.done;
    expect(reader.events).toEqual(['data: {"n":1}', 'data: {"n":2}', 'data: {"n":3}', 'data: [DONE]']);
    // Headers and the first two events in one write, the third event and the end in another.
    expect(started.writes()).toBe(2);
  });

  it('opens the stream for the client before the first event when none comes in that turn', async () => {
    let release!: () => void;
    const started = await sseServer(async (sse) => {
      await new Promise<void>((resolve) => (release = resolve));
      sse.done();
    });
    server = started.server;
    const reader = readEvents(started.url);
    const response = await reader.response;
    expect(response.statusCode).toBe(200);
    expect(reader.events).toEqual([]);
    release();
    await reader.done;
    expect(reader.events).toEqual(['data: [DONE]']);
  });

  it('holds nothing back between ticks: each event reaches the client before the next is sent', async () => {
    let release!: () => void;
    const started = await sseServer(async (sse) => {
      for (let n = 1; n <= 3; n++) {
        sse.send({ n });
        await new Promise<void>((resolve) => (release = resolve));
      }
      sse.done();
    });
    server = started.server;
    const reader = readEvents(started.url);
    const response = await reader.response;
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    for (let n = 1; n <= 3; n++) {
      while (reader.events.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(reader.events[n - 1]).toBe(`data: {"n":${n}}`);
      release();
    }
    await reader.done;
    expect(reader.events.at(-1)).toBe('data: [DONE]');
  });
});
