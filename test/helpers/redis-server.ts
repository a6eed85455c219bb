import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort, spawnManaged, type ManagedProcess } from './sidecar-process';
import { systemTool } from './tool-paths';

/** A private redis-server (Debian's package; npm test provisions it) on 127.0.0.1; it writes no files (`--save ''`, no AOF). */
export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:<port> (no credentials in it; the password, when set, is passed on its own). */
  url: string;
  password: string | undefined;
  /** Stops the server; `start` brings it back on the same port (what a Redis restart looks like to clients). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts redis-server on a free port (or `port`), optionally with `--requirepass`, and waits until it answers PING. */
export async function startRedisServer(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  const binary = systemTool('redis-server');
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--daemonize', 'no'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  let running: ManagedProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawnManaged(binary, args);
    running = started;
    // (Promise.race handles the later settling of the loser: the exit of a server stopped after it answered.)
    await Promise.race([
      waitForPing(port, 10_000, () => started.child.exitCode === null && started.child.signalCode === null),
      started.exited.then((code) => {
        throw new Error(`redis-server exited with ${code}:\n${started.output()}`);
      }),
    ]);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    password: options.password,
    start,
    async stop() {
      await running?.stop(2_000);
      running = undefined;
    },
  };
}

/** Sends an inline PING until the server answers (+PONG, or -NOAUTH when it wants a password) or exits; else throws. */
async function waitForPing(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && alive()) {
    const reply = await ping(port).catch((error: Error) => `error: ${error.message}`);
    if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) return;
    last = reply;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} ${alive() ? `did not answer PING in ${timeoutMs} ms` : 'exited'} (last: ${last})`);
}

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString('utf8'));
    });
  });
}
