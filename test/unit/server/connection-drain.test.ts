import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ConnectionDrain } from '@sidecar/server/connection-drain';

const IDLE_CLOSE_MS = 300;

/** A raw client connection that collects what the server sends and notices when it closes. */
function rawClient(port: number): { socket: Socket; received: () => string; closed: Promise<void>; ready: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const ready = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => data, closed, ready };
}

const GET = 'GET / HTTP/1.1\r\nHost: sidecar\r\n\r\n';

describe('ConnectionDrain', () => {
  let server: Server;
  let drain: ConnectionDrain;
  let port: number;

  beforeEach(async () => {
    server = createServer((_req, res) => res.end('ok'));
    drain = new ConnectionDrain([server], IDLE_CLOSE_MS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterEach(async () => {
    drain.closeAll();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers with keep-alive before draining and with Connection: close once draining, closing the connection after it', async () => {
    const client = rawClient(port);
    client.socket.write(GET);
    await delay(50);
    expect(client.received()).toMatch(/\r\nConnection: keep-alive\r\n/i);
    drain.startDraining();
    client.socket.write(GET);
    await client.closed;
    expect(client.received().split('HTTP/1.1 200').length - 1).toBe(2);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n[\s\S]*ok$/i);
  });

  it('tells a request that was in flight when draining began to close its connection too', async () => {
    const slow = createServer((_req, res) => setTimeout(() => res.end('late'), 100));
    const slowDrain = new ConnectionDrain([slow], IDLE_CLOSE_MS);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const client = rawClient((slow.address() as { port: number }).port);
    client.socket.write(GET);
    await delay(30);
    slowDrain.startDraining();
    await client.closed;
    expect(client.received()).toMatch(/\r\nConnection: close\r\n/i);
    slowDrain.closeAll();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('keeps serving a keep-alive connection that went idle just before the listener closed, when its client sends again', async () => {
    // A stream answered before draining began says keep-alive; its client may send the next request as soon as it
    // ends. http.Server#close destroys every connection idle at that instant, this one included, and the client sees
    // "other side closed" on a request it had every right to send.
    const client = rawClient(port);
    client.socket.write(GET);
    await delay(50);
    expect(client.received()).toMatch(/\r\nConnection: keep-alive\r\n[\s\S]*ok$/i);
    drain.startDraining();
    drain.stopAccepting();
    await delay(20);
    client.socket.write(GET);
    await client.closed;
    expect(client.received().split('HTTP/1.1 200').length - 1).toBe(2);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n[\s\S]*ok$/i);
    await expect(new Promise((resolve, reject) => connect(port, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('closes a connection only after it has been idle for idleCloseMs, then reports none open', async () => {
    const client = rawClient(port);
    client.socket.write(GET);
    await delay(50);
    drain.startDraining();
    const started = performance.now();
    expect(drain.open).toBe(1);
    expect(await drain.waitForClosed(2_000)).toBe(true);
    await client.closed;
    // Idle since its answer (about 50 ms before draining began), closed by the first sweep after IDLE_CLOSE_MS.
    expect(performance.now() - started).toBeGreaterThanOrEqual(IDLE_CLOSE_MS - 100);
    expect(drain.open).toBe(0);
  });
  it('serves a request already waiting in the socket when an overdue sweep finds the connection idle long enough', async () => {
    // Under load, the sweep's timer and a client's next request can be due in the same event-loop turn. Timers run
    // before sockets are read, so a sweep that closed at once would drop a request the client had already sent.
    const client = rawClient(port);
    client.socket.write(GET);
    await delay(50);
    drain.startDraining();
    await delay(IDLE_CLOSE_MS - 50);
    // From the check phase, so the next turn starts with the timers: the sweep is due and the request is unread.
    await new Promise<void>((resolve) => setImmediate(() => {
      client.socket.write(GET);
      const until = performance.now() + 250;
      while (performance.now() < until) {
        // Busy, as a loaded process is.
      }
      resolve();
    }));
    await client.closed;
    expect(client.received().split('HTTP/1.1 200').length - 1).toBe(2);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n[\s\S]*ok$/i);
  });

  it('does not close an idle connection on which part of a next request has arrived', async () => {
    const client = rawClient(port);
    client.socket.write(GET);
    await delay(50);
    drain.startDraining();
    client.socket.write('GET / HTTP/1.1\r\n');
    await delay(IDLE_CLOSE_MS + 250);
    expect(drain.open).toBe(1);
    client.socket.write('Host: sidecar\r\n\r\n');
    await client.closed;
    expect(client.received().split('HTTP/1.1 200').length - 1).toBe(2);
  });
});
