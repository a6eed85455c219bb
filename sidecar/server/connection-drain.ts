import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * How long a connection must have sat idle before the drain closes it. A client that reuses a keep-alive
 * connection sends on it within milliseconds of the last answer (or of connecting); one idle this long is spare.
 */
export const DRAIN_IDLE_CLOSE_MS = 1_000;
const SWEEP_INTERVAL_MS = 100;

interface ConnectionState {
  /** Requests on this connection whose responses have not closed yet. */
  active: number;
  /** When the connection was accepted or its last response closed (performance.now()). */
  idleSince: number;
  /** socket.bytesRead at `idleSince`: a byte read since means a request is arriving. */
  bytesReadAtIdle: number;
}

/**
 * Ends keep-alive on the API servers at shutdown without closing a connection under a client that is about to send
 * on it (undici's "other side closed"). From `startDraining()` on, every response says `Connection: close` (the
 * server closes the connection after it, and the client knows not to reuse it), and connections that have been idle
 * for `idleCloseMs` are closed. `stopAccepting()` closes only the listener: http.Server#close would also destroy every
 * connection idle at that instant, including one whose stream (answered with keep-alive before the drain) has just
 * ended and whose client is sending its next request on it.
 */
export class ConnectionDrain {
  private readonly connections = new Map<Socket, ConnectionState>();
  private readonly responses = new Set<ServerResponse>();
  private draining = false;
  private sweeper: NodeJS.Timeout | undefined;
  private closedWaiters: Array<() => void> = [];

  constructor(
    private readonly servers: readonly Server[],
    private readonly idleCloseMs = DRAIN_IDLE_CLOSE_MS,
  ) {
    for (const server of servers) {
      server.on('connection', (socket: Socket) => this.track(socket));
      // Before the app's own listener, so a response the app sends synchronously is marked as well.
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    }
  }

  /** Connections open now. */
  get open(): number {
    return this.connections.size;
  }

  /** Every response from now on closes its connection; idle connections are closed once idle for `idleCloseMs`. */
  startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    for (const res of this.responses) if (!res.headersSent) res.shouldKeepAlive = false;
    // Timers run before the poll phase: a request already in the socket's receive buffer would not be read yet when
    // the interval fires. The check runs in setImmediate, after that read, so such a connection counts as busy.
    this.sweeper = setInterval(() => setImmediate(() => this.sweep()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Closes the listeners only; open connections go on being served (and drained). */
  stopAccepting(): void {
    for (const server of this.servers) NetServer.prototype.close.call(server);
  }

  /** Resolves true once every connection is closed, or false after `timeoutMs`. */
  waitForClosed(timeoutMs: number): Promise<boolean> {
    if (this.connections.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.closedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Destroys whatever is still open and stops the sweeps. */
  closeAll(): void {
    clearInterval(this.sweeper);
    for (const socket of this.connections.keys()) socket.destroy();
  }

  private track(socket: Socket): void {
    this.connections.set(socket, { active: 0, idleSince: performance.now(), bytesReadAtIdle: socket.bytesRead });
    socket.once('close', () => {
      this.connections.delete(socket);
      if (this.connections.size === 0) for (const resolve of this.closedWaiters.splice(0)) resolve();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const state = this.connections.get(req.socket);
    if (state) state.active++;
    if (this.draining) res.shouldKeepAlive = false;
    this.responses.add(res);
    res.once('close', () => {
      this.responses.delete(res);
      if (!state) return;
      state.active--;
      state.idleSince = performance.now();
      state.bytesReadAtIdle = req.socket.bytesRead;
    });
  }

  private sweep(): void {
    const now = performance.now();
    for (const [socket, state] of this.connections) {
      if (state.active > 0 || now - state.idleSince < this.idleCloseMs) continue;
      // Part of a next request (headers not complete yet) has arrived: not idle.
      if (socket.bytesRead !== state.bytesReadAtIdle) continue;
      socket.destroy();
    }
  }
}
