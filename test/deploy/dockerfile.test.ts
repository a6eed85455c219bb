import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { freePort, waitForHttp } from '../helpers/sidecar-process';

// docker cannot run on the CI machines, so this test reads the Dockerfile, checks the properties the image promises,
// and then replays its stages on the local disk: the build context is what .dockerignore lets through, COPY lines copy
// between per-stage directories, the npm RUN lines run for real (one exception, below), and the runtime stage's
// directory is started the way the image starts: its CMD, its WORKDIR as cwd, its ENV, its numeric USER (when the test
// runs as root), with every file read-only.

const ROOT = resolve(__dirname, '../..');
const dockerfileText = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignoreText = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

// --- a small Dockerfile reader ---------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped. */
function readInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const [keyword] = full.split(/\s+/);
    instructions.push({ keyword: keyword!.toUpperCase(), args: full.slice(keyword!.length).trim() });
  }
  return instructions;
}

/** Stages in order, with ARG defaults declared before the first FROM substituted into the image names. */
function readStages(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of readInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/);
      const resolved = image!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => globalArgs.get((braced ?? bare)!) ?? '');
      stages.push({ name: as?.toUpperCase() === 'AS' ? name! : String(stages.length), image: resolved, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key, value] = instruction.args.split('=');
        globalArgs.set(key!, value ?? '');
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

function instructionsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

interface Copy {
  from?: string;
  sources: string[];
  destination: string;
}

function readCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

/** `ENV A=1 B=2` (or the legacy `ENV A 1`) as pairs. */
function readEnv(args: string): Array<[string, string]> {
  if (!args.includes('=')) {
    const [key, ...value] = args.split(/\s+/);
    return [[key!, value.join(' ')]];
  }
  return args.split(/\s+/).map((pair) => {
    const [key, ...value] = pair.split('=');
    return [key!, value.join('=').replace(/^"(.*)"$/, '$1')];
  });
}

/** RUN's shell command, without BuildKit flags such as --mount=type=cache,target=/root/.npm. */
function runCommand(args: string): string {
  return args.replace(/^(--\S+\s+)+/, '');
}

// --- .dockerignore (the subset of Docker's rules this repository uses: globs, "!" exceptions, last match wins) ---

/** `**` any path, `*` and `?` within one path segment, everything else literal. */
function globToRegex(glob: string): string {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    if (glob.startsWith('**', index)) {
      source += '.*';
      index++;
    } else if (glob[index] === '*') source += '[^/]*';
    else if (glob[index] === '?') source += '[^/]';
    else source += glob[index]!.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return source;
}

const ignorePatterns = dockerignoreText
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const negated = line.startsWith('!');
    const pattern = posix.normalize((negated ? line.slice(1) : line).replace(/^\/+/, '')).replace(/\/+$/, '');
    return { negated, pattern, regex: new RegExp(`^${globToRegex(pattern)}$`) };
  });

/** Whether Docker leaves `path` (relative, posix) out of the build context: the path or a parent matches, last rule wins. */
function isIgnored(path: string): boolean {
  const candidates = path.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const { negated, regex } of ignorePatterns) {
    if (candidates.some((candidate) => regex.test(candidate))) ignored = !negated;
  }
  return ignored;
}

/** Files of the repository that reach the build context. */
function contextFiles(directory = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, directory), { withFileTypes: true })) {
    const path = directory ? `${directory}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const mayHoldIncludedFiles = !isIgnored(path) || ignorePatterns.some(({ negated, pattern }) => negated && pattern.startsWith(`${path}/`));
      if (mayHoldIncludedFiles) files.push(...contextFiles(path));
    } else if (!isIgnored(path)) {
      files.push(path);
    }
  }
  return files;
}

// --- replaying the stages on disk -----------------------------------------------------------------------------

const stages = readStages(dockerfileText);
const runtime = stages.at(-1)!;
const stageByName = new Map(stages.map((stage) => [stage.name, stage]));

function workdirOf(stage: Stage): string {
  return instructionsOf(stage, 'WORKDIR').at(-1) ?? '/';
}

/** What each source of the runtime stage's COPY lines becomes, relative to its WORKDIR ("./dist/sidecar" → "dist/sidecar"). */
function runtimeCopies(): Array<{ from?: string; source: string; target: string }> {
  return instructionsOf(runtime, 'COPY').flatMap((args) => {
    const copy = readCopy(args);
    const intoDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
    return copy.sources.map((source) => {
      const destination = posix.resolve(workdirOf(runtime), copy.destination, intoDirectory ? posix.basename(source) : '');
      return { ...(copy.from ? { from: copy.from } : {}), source, target: posix.relative(workdirOf(runtime), destination) };
    });
  });
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!cwd.startsWith(tmpdir())) throw new Error(`refusing to run "${command}" outside the temporary directory (${cwd})`);
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`"${command}" in ${cwd} exited with ${code}:\n${output}`))));
  });
}

/**
 * Builds every stage under `base/<stage name>` (a stage's absolute paths map into its directory). RUN lines must be npm
 * commands and run for real, with one exception: the build stage's full `npm ci` (the complete dev toolchain, including
 * the 120 MB `node` binary package) is replaced by a link to the repository's node_modules, installed from the same
 * package-lock.json by CI. The production install (`npm ci --omit=dev ...`) runs as written.
 */
async function replayStages(base: string, files: readonly string[]): Promise<void> {
  // Without the npm_* variables of the `npm test` that runs jest: npm_config_local_prefix would point the stages' npm
  // commands at the repository itself.
  const inherited = Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD');
  const env = { ...Object.fromEntries(inherited), npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  // Like BuildKit, independent stages run at the same time; COPY --from waits for the stage it reads.
  const finished = new Map<string, Promise<void>>();
  const replay = async (stage: Stage): Promise<void> => {
    const root = join(base, stage.name);
    let workdir = '/';
    mkdirSync(root, { recursive: true });
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'WORKDIR') {
        workdir = posix.resolve(workdir, args);
        mkdirSync(join(root, workdir), { recursive: true });
      } else if (keyword === 'COPY') {
        const copy = readCopy(args);
        const destination = join(root, posix.resolve(workdir, copy.destination));
        for (const source of copy.sources) {
          if (copy.from) {
            const from = stageByName.get(copy.from);
            if (!from) throw new Error(`COPY --from=${copy.from}: no such stage`);
            await finished.get(from.name);
            const path = join(base, from.name, posix.resolve(workdirOf(from), source));
            cpSync(path, statSync(path).isDirectory() ? destination : join(destination, posix.basename(source)), { recursive: true });
          } else {
            const matching = files.filter((file) => file === posix.normalize(source) || file.startsWith(`${posix.normalize(source)}/`));
            if (matching.length === 0) throw new Error(`COPY ${source}: nothing in the build context (see .dockerignore)`);
            for (const file of matching) {
              const intoDirectory = file === posix.normalize(source) && (copy.destination.endsWith('/') || copy.sources.length > 1);
              const target = intoDirectory ? join(destination, posix.basename(file)) : join(destination, file.slice(posix.normalize(source).length));
              mkdirSync(dirname(target), { recursive: true });
              cpSync(join(ROOT, file), target);
            }
          }
        }
      } else if (keyword === 'RUN') {
        for (const command of runCommand(args).split('&&').map((part) => part.trim())) {
          if (!command.startsWith('npm ')) throw new Error(`RUN ${command}: only npm commands are replayed; extend dockerfile.test.ts`);
          if (/^npm ci\b/.test(command) && !command.includes('--omit=dev')) symlinkSync(join(ROOT, 'node_modules'), join(root, workdir, 'node_modules'));
          else await run(command, join(root, workdir), env);
        }
      }
    }
  };
  for (const stage of stages) finished.set(stage.name, replay(stage));
  await Promise.all(finished.values());
}

/** Every path under `directory` with its size, mode and modification time, to compare before and after a run. */
function snapshot(directory: string, prefix = ''): string[] {
  return readdirSync(join(directory, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = join(prefix, entry.name);
    const stats = lstatSync(join(directory, path));
    const line = `${path} ${stats.size} ${stats.mode.toString(8)} ${stats.mtimeMs}`;
    return entry.isDirectory() ? [line, ...snapshot(directory, path)] : [line];
  });
}

function setWritable(directory: string, writable: boolean): void {
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, writable ? mode | 0o200 : mode & ~0o222);
  }
  const mode = statSync(directory).mode & 0o777;
  chmodSync(directory, writable ? mode | 0o200 : mode & ~0o222);
}

// --- the tests -------------------------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const build = stages.find((stage) => instructionsOf(stage, 'RUN').some((command) => command.includes('npm run build')));

  it('has separate build and runtime stages, all on the Node 24 LTS image with the major pinned', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    for (const stage of stages) expect(stage.image).toMatch(/^node:24(\.\d+){0,2}-(bookworm-slim|alpine(\d+\.\d+)?)(@sha256:[0-9a-f]{64})?$/);
  });

  it('builds with the full toolchain: npm ci, then npm run build', () => {
    const commands = instructionsOf(build!, 'RUN').map(runCommand).join(' && ');
    expect(commands).toMatch(/npm ci\b(?![^&]*--omit=dev)/);
    expect(commands.indexOf('npm ci')).toBeLessThan(commands.indexOf('npm run build'));
  });

  it('the runtime stage copies only dist/sidecar, config, package.json and production node_modules, and runs nothing', () => {
    const copies = runtimeCopies();
    expect(copies.map((copy) => copy.target).sort()).toEqual(['config', 'dist/sidecar', 'node_modules', 'package.json']);
    const sidecar = copies.find((copy) => copy.target === 'dist/sidecar')!;
    expect(sidecar.from).toBe(build!.name);
    expect(posix.resolve(workdirOf(build!), sidecar.source)).toBe(posix.resolve(workdirOf(build!), 'dist/sidecar'));
    const modules = copies.find((copy) => copy.target === 'node_modules')!;
    const depsStage = stageByName.get(modules.from ?? '')!;
    expect(depsStage).toBeDefined();
    const install = instructionsOf(depsStage, 'RUN').map(runCommand).join(' && ');
    expect(install).toMatch(/npm ci [^&]*--omit=dev|npm prune [^&]*--omit=dev/);
    expect(instructionsOf(runtime, 'RUN')).toEqual([]);
  });

  it('runs as numeric non-root user 10001 with NODE_ENV=production and the API and admin ports exposed', () => {
    const user = instructionsOf(runtime, 'USER');
    expect(user).toHaveLength(1);
    expect(user[0]).toMatch(/^10001(:10001)?$/);
    expect(new Map(instructionsOf(runtime, 'ENV').flatMap(readEnv)).get('NODE_ENV')).toBe('production');
    expect(instructionsOf(runtime, 'EXPOSE').flatMap((ports) => ports.split(/\s+/)).sort()).toEqual(['8080', '9090']);
  });

  it('has no HEALTHCHECK (the chart probes /healthz and /readyz)', () => {
    for (const stage of stages) expect(instructionsOf(stage, 'HEALTHCHECK')).toEqual([]);
  });

  it('starts `npm start`\'s command in exec form, so Node is PID 1 and receives SIGTERM itself', () => {
    const cmd = instructionsOf(runtime, 'CMD');
    expect(cmd).toHaveLength(1);
    const argv = JSON.parse(cmd[0]!) as string[];
    expect(argv).toEqual(packageJson.scripts.start!.split(' '));
    expect(argv.slice(0, 3)).toEqual(['node', '--require', './dist/sidecar/observability/instrumentation.js']);
    expect(instructionsOf(runtime, 'ENTRYPOINT')).toEqual([]);
    expect(dockerfileText).toMatch(/PID 1 is Node itself/);
  });

  it('.dockerignore keeps host builds, dependencies, tests and the ingress snippets out of the context', () => {
    for (const path of ['node_modules/yaml/package.json', 'dist/sidecar/main.js', '.git/HEAD', 'test/deploy/dockerfile.test.ts', 'coverage/x', 'config/ingress/kong/kong.yaml']) {
      expect([path, isIgnored(path)]).toEqual([path, true]);
    }
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'sidecar/main.ts', 'config/default.yaml']) {
      expect([path, isIgnored(path)]).toEqual([path, false]);
    }
  });
});

describe('the image, replayed on disk and started as the container would be', () => {
  let base: string;
  let appDirectory: string;
  let emulator: GeminiEmulator;
  let before: string[];

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'sidecar-image-'));
    // The runtime user must be able to reach the app directory below this one.
    chmodSync(base, 0o755);
    await replayStages(base, contextFiles());
    appDirectory = join(base, runtime.name, workdirOf(runtime));
    setWritable(appDirectory, false);
    before = snapshot(appDirectory);
    emulator = await GeminiEmulator.start();
  }, 90_000);

  afterAll(async () => {
    await emulator?.close();
    if (appDirectory && existsSync(appDirectory)) setWritable(appDirectory, true);
    if (base) rmSync(base, { recursive: true, force: true });
  }, 30_000);

  it('holds exactly the runtime file set, without dev dependencies (not even the `node` binary package)', () => {
    expect(readdirSync(appDirectory).sort()).toEqual(['config', 'dist', 'node_modules', 'package.json']);
    expect(readdirSync(join(appDirectory, 'dist'))).toEqual(['sidecar']);
    expect(readdirSync(join(appDirectory, 'config'))).toEqual(['default.yaml']);
    expect(existsSync(join(appDirectory, 'dist/sidecar/main.js'))).toBe(true);
    expect(lstatSync(join(appDirectory, 'node_modules')).isSymbolicLink()).toBe(false);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.map(([path]) => path).filter((path) => existsSync(join(appDirectory, path)))).toEqual([]);
    for (const name of ['node', 'typescript', 'jest']) expect(existsSync(join(appDirectory, 'node_modules', name))).toBe(false);
    for (const name of ['express', 'yaml', '@opentelemetry/sdk-node']) expect(existsSync(join(appDirectory, 'node_modules', name))).toBe(true);
  });

  it('starts from its CMD as user 10001, serves /readyz and a chat completion, writes nothing, and exits 0 on SIGTERM', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const argv = JSON.parse(instructionsOf(runtime, 'CMD')[0]!) as string[];
    const [uid, gid] = instructionsOf(runtime, 'USER')[0]!.split(':').map(Number);
    const asImageUser = process.getuid?.() === 0 ? { uid: uid!, gid: gid ?? uid! } : {};
    const child = spawn(process.execPath, argv.slice(1), {
      cwd: appDirectory,
      ...asImageUser,
      env: {
        ...Object.fromEntries(instructionsOf(runtime, 'ENV').flatMap(readEnv)),
        // The node image's PATH, and the HOME Docker gives a user without a passwd entry.
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: '/',
        // What the chart sets: ports (free ones here), the upstream, a key and who may spend it.
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        GEMINI_BASE_URL: emulator.url,
        GEMINI_API_KEY: 'image-key',
        SIDECAR_TRUST_INGRESS: 'true',
        // No collector here: the default OTLP exporter would spend up to its 10 s timeout flushing spans at shutdown.
        OTEL_TRACES_EXPORTER: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    let stoppedAfterMs: number | undefined;
    try {
      await Promise.race([
        waitForHttp(`http://127.0.0.1:${adminPort}/readyz`, 15_000),
        exited.then((code) => {
          throw new Error(`the sidecar exited with ${code} before it was ready:\n${output}`);
        }),
      ]);
      if (asImageUser.uid !== undefined) {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(String(uid));
      }
      const answer = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'from the image' }] }),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Echo: from the image');
      expect(emulator.lastRequest()!.headers['x-goog-api-key']).toBe('image-key');
      const metrics = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('gen_ai_');
      const stopping = performance.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      stoppedAfterMs = performance.now() - stopping;
    } finally {
      child.kill('SIGKILL');
    }
    expect(output).not.toMatch(/EACCES|EROFS|EPERM/);
    // SIGTERM reached Node and its drain ran: readiness off for drainDelayMs (5 s by default), then a clean exit.
    expect(stoppedAfterMs).toBeGreaterThan(4_000);
    expect(snapshot(appDirectory)).toEqual(before);
  }, 40_000);
});
