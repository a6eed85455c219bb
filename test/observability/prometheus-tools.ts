import { spawn } from 'node:child_process';
import { systemTool } from '../helpers/tool-paths';

/**
 * The path of `promtool` or `prometheus` (Debian's `prometheus` package, which `npm test` provisions). A missing tool
 * fails the test on purpose, naming the command that installs it: the rules and the dashboard are only proven with it.
 */
export function findPrometheusTool(name: 'promtool' | 'prometheus'): string {
  return systemTool(name);
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
