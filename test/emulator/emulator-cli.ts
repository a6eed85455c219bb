import { parseArgs } from 'node:util';
import { GeminiEmulator } from './gemini-emulator';

/** Where `npm run emulator` listens by default (README, Quick start); clear of npm start's 8080/9090 and the demo's. */
const DEFAULT_EMULATOR_PORT = 8070;

const USAGE = `Usage: npm run emulator -- [--port N] [--host ADDRESS]
  --port  port to listen on (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --host  address to bind (default 127.0.0.1)`;

/** `npm run emulator`: the Gemini emulator alone, for `npm start` (or any Gemini client) to call; Ctrl-C stops it. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? DEFAULT_EMULATOR_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got '${values.port}'\n${USAGE}`);
  const emulator = await GeminiEmulator.start({ port, host: values.host ?? '127.0.0.1', chunkIntervalMs: 150 });
  process.stdout.write(`Gemini emulator listening on ${emulator.url} (no key, no network; replies "Echo: <your last message>", JSON that fits a requested schema)
Run the sidecar against it:

  GEMINI_BASE_URL=${emulator.url} npm start

Press Ctrl-C to stop.
`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`emulator failed: ${(error as Error).message}\n`);
  process.exit(1);
});
