import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `promtool` or `prometheus`, from PATH or /usr/bin (Debian's `prometheus` package installs both).
 * Missing tools fail the test on purpose: the rules and the dashboard are only proven with them.
 */
export function findPrometheusTool(name: 'promtool' | 'prometheus'): string {
  const directories = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  const found = directories.map((directory) => join(directory, name)).find(executable);
  if (found) return found;
  throw new Error(
    `${name} was not found on PATH or in /usr/bin. Run .ci/run (it installs it), or install it yourself: ` +
      'apt-get update && apt-get install -y --no-install-recommends prometheus',
  );
}

/** What a finished tool run printed. */
export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion with optional stdin, killing it after `timeoutMs`. */
export function runTool(path: string, args: readonly string[], options: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((done, fail) => {
    const child = spawn(path, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
