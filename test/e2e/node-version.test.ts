import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPOSITORY_ROOT, SIDECAR_MAIN, spawnManaged } from '../helpers/sidecar-process';

const INSTRUMENTATION = path.resolve(REPOSITORY_ROOT, 'dist/sidecar/observability/instrumentation.js');

/** The major version of the node binary at `file`, or undefined when it does not run. */
function nodeMajor(file: string): number | undefined {
  try {
    return Number(/^v(\d+)\./.exec(execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 5_000 }))?.[1]);
  } catch {
    return undefined;
  }
}

/** A machine node older than 24 (on PATH outside node_modules, or a usual install path), if there is one. */
function findOldNode(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'node')), '/usr/local/bin/node', '/usr/bin/node'];
  for (const candidate of candidates) {
    if (candidate.split(path.sep).includes('node_modules') || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (real.split(path.sep).includes('node_modules')) continue;
    const major = nodeMajor(real);
    if (major !== undefined && major < 24) return real;
  }
  return undefined;
}

const ENTRY_POINTS = [
  { name: 'dist/sidecar/main.js', args: [SIDECAR_MAIN] },
  { name: 'the npm start command line (--require instrumentation.js)', args: ['--require', INSTRUMENTATION, SIDECAR_MAIN] },
];

describe('an unsupported Node.js version', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    if (!existsSync(SIDECAR_MAIN)) throw new Error(`${SIDECAR_MAIN} is missing: run npm run build (npm test does it in pretest)`);
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-node-version-'));
    preload = path.join(dir, 'pretend-node-20.js');
    writeFileSync(preload, "Object.defineProperty(process.versions, 'node', { value: '20.0.0' });\n");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const oldNode = findOldNode();
  const runners = [
    { runner: 'Node 24 pretending to be 20.0.0', node: () => process.execPath, preArgs: () => ['--require', preload], version: () => '20.0.0' },
    ...(oldNode ? [{ runner: `the machine's ${oldNode}`, node: () => oldNode, preArgs: () => [], version: () => execFileSync(oldNode, ['--version'], { encoding: 'utf8' }).trim().slice(1) }] : []),
  ];

  it.each(runners.flatMap((runner) => ENTRY_POINTS.map((entry) => ({ ...runner, entry }))))(
    '$runner: $entry.name exits 1 with one line naming the needed and the running version',
    async ({ node, preArgs, version, entry }) => {
      const child = spawnManaged(node(), [...preArgs(), ...entry.args], { PORT: '0', ADMIN_PORT: '0', GEMINI_API_KEY: 'unused' });
      expect(await child.exited).toBe(1);
      expect(child.output()).toBe(`openai-gemini-sidecar: needs Node.js 24 or newer, but ${node()} is Node.js ${version()}\n`);
    },
  );
});
