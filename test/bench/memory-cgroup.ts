/**
 * `--memory-limit MiB`: the sidecar arms run inside a memory cgroup with that limit, as a container's memory limit
 * holds them (the chart's default: 512 MiB). Node sizes its heap from the cgroup's limit, as it does in the pod, and
 * the kernel's OOM killer ends an arm that outgrows it. Needs root and a memory controller (cgroup v1 or v2).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';

export interface MemoryCgroup {
  path: string;
  limitMb: number;
  /** The command and arguments that start `command args` inside the cgroup. */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /** Peak usage (MiB, v1: max_usage_in_bytes; v2: memory.peak where the kernel has it) and OOM kills so far. */
  usage(): { peakMb: number | undefined; oomKills: number };
  remove(): void;
}

export function createMemoryCgroup(name: string, limitMb: number): MemoryCgroup {
  const v1 = existsSync(join(V1, 'memory.limit_in_bytes'));
  const v2 = !v1 && readText(join(V2, 'cgroup.controllers'))?.split(/\s+/).includes('memory');
  if (!v1 && !v2) throw new Error('--memory-limit needs a memory cgroup controller (/sys/fs/cgroup/memory or cgroup v2 with memory)');
  const path = join(v1 ? V1 : V2, `openai-gemini-sidecar-bench-${name}`);
  try {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, v1 ? 'memory.limit_in_bytes' : 'memory.max'), String(limitMb * 1024 * 1024));
  } catch (error) {
    throw new Error(`--memory-limit: cannot set up ${path} (run as root): ${(error as Error).message}`, { cause: error });
  }
  return {
    path,
    limitMb,
    // The shell joins the cgroup, then becomes the command: every byte the arm ever maps is counted.
    wrap: (command, args) => ({ command: '/bin/sh', args: ['-c', `echo $$ > ${join(path, 'cgroup.procs')} && exec "$0" "$@"`, command, ...args] }),
    usage() {
      const peak = Number(readText(join(path, v1 ? 'memory.max_usage_in_bytes' : 'memory.peak')));
      const events = readText(join(path, v1 ? 'memory.oom_control' : 'memory.events')) ?? '';
      const oomKills = Number(/oom_kill (\d+)/.exec(events)?.[1] ?? 0);
      return { peakMb: Number.isFinite(peak) && peak > 0 ? peak / 1024 / 1024 : undefined, oomKills };
    },
    remove() {
      try {
        rmdirSync(path);
      } catch {
        // still has a process (it is killed at the end of the run) or already gone
      }
    },
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
