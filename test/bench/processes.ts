/**
 * Child processes of the bench (each in its own process group, all killed at the end, on Ctrl-C and on errors) and
 * what /proc says about them: CPU ticks, resident memory and its peak.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** One spawned child: its own process group (pid = pgid), stdout/stderr to files, stdin a pipe it may watch. */
export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the child is gone. */
  exited: Promise<string>;
  alive(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the child exited. */
  stop(graceMs?: number): Promise<string>;
}

const running = new Set<ManagedProcess>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Spawns a command in a new process group. stdout goes to `stdoutFile` ('ignore' for /dev/null), stderr to
 * `logFile`; with `capture` stdout is a pipe instead (the first line is read by `firstLine`).
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string; stdoutFile?: string | 'ignore'; capture?: boolean },
): ManagedProcess {
  const errFd = openSync(options.logFile, 'a');
  const outFd = options.capture ? 'pipe' : options.stdoutFile === 'ignore' ? 'ignore' : openSync(options.stdoutFile ?? options.logFile, 'a');
  const spawnOptions: SpawnOptions = { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', outFd, errFd] };
  const child = spawn(command, args, spawnOptions);
  closeSync(errFd);
  if (typeof outFd === 'number') closeSync(outFd);
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  const pid = child.pid;
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(managed);
      resolve(signal ?? String(code));
    });
    child.once('error', (error) => {
      done = true;
      running.delete(managed);
      resolve(`error: ${error.message}`);
    });
  });
  const managed: ManagedProcess = {
    name,
    pid,
    child,
    logFile: options.logFile,
    exited,
    alive: () => !done,
    async stop(graceMs = 3000) {
      if (done) return exited;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      // Whatever the leader left behind in its group (workers, shells) goes too.
      signalGroup(pid, 'SIGKILL');
      return result;
    },
  };
  child.stdin?.on('error', () => undefined);
  running.add(managed);
  return managed;
}

/** The first line the child writes to its (captured) stdout, within `timeoutMs`. */
export function firstLine(managed: ManagedProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdout = managed.child.stdout;
    if (!stdout) return reject(new Error(`${managed.name}: stdout not captured`));
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${managed.name}: no output within ${timeoutMs} ms (see ${managed.logFile})`)), timeoutMs);
    stdout.setEncoding('utf8');
    stdout.on('data', (piece: string) => {
      text += piece;
      const end = text.indexOf('\n');
      if (end !== -1) {
        clearTimeout(timer);
        resolve(text.slice(0, end));
      }
    });
    void managed.exited.then((code) => reject(new Error(`${managed.name} exited (${code}) before it was ready (see ${managed.logFile})`)));
  });
}

/** Stops every child still running, gracefully first. */
export async function stopAll(graceMs = 3000): Promise<void> {
  await Promise.all([...running].map((managed) => managed.stop(graceMs)));
}

/** Synchronous last resort (process 'exit' handler): SIGKILL to every group still running. */
export function killAllNow(): void {
  for (const managed of running) signalGroup(managed.pid, 'SIGKILL');
}

/** A free TCP port on 127.0.0.1 (bound then released: a tiny race, fine for a bench). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx, the process dies, or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs: number, managed?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (managed && !managed.alive()) throw new Error(`${managed.name} exited before it was ready (see ${managed.logFile})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${last})`);
}

// ---- /proc ----

function readStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses: state is [0], ppid [1], utime [11], stime [12].
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `root` and all its descendants (read from /proc/<pid>/stat ppid fields). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(readStat(Number(entry))?.[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index] as number) ?? []));
  return tree;
}

/** User + system CPU ticks (1/100 s on Linux) of the given processes. */
export function cpuTicks(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const fields = readStat(pid);
    if (fields) total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

export const TICKS_PER_SECOND = 100;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Summed resident set of the processes, in kB. */
export function rssKb(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
}

/** Summed peak resident set (VmHWM) of the processes, in kB. */
export function hwmKb(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0);
}

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`); false where that is not allowed. */
export function resetPeak(pids: readonly number[]): boolean {
  let ok = true;
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

/**
 * Watches a set of processes during one measurement: CPU ticks between start and stop, and peak RSS (sampled every
 * `everyMs`, and VmHWM when the peak could be reset at the start).
 */
export class ResourceWatch {
  private readonly startTicks: number;
  private readonly hwmReset: boolean;
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: readonly number[],
    everyMs = 100,
  ) {
    this.hwmReset = resetPeak(pids);
    this.startTicks = cpuTicks(pids);
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, rssKb(this.pids));
  }

  /** CPU seconds used and peak RSS in MB since the watch began. */
  stop(): { cpuSeconds: number; peakRssMb: number } {
    clearInterval(this.timer);
    this.sample();
    const cpuSeconds = (cpuTicks(this.pids) - this.startTicks) / TICKS_PER_SECOND;
    const peakKb = this.hwmReset ? Math.max(this.peak, hwmKb(this.pids)) : this.peak;
    return { cpuSeconds, peakRssMb: peakKb / 1024 };
  }
}
