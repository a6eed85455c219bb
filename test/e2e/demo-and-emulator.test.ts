import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, REPOSITORY_ROOT, spawnManaged, type ManagedProcess } from '../helpers/sidecar-process';

const DEMO = path.resolve(REPOSITORY_ROOT, 'dist/test/emulator/demo.js');
const EMULATOR_CLI = path.resolve(REPOSITORY_ROOT, 'dist/test/emulator/emulator-cli.js');

/** Waits until the process has printed `text`, or fails with what it printed. */
async function waitForOutput(running: ManagedProcess, text: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.output().includes(text)) return running.output();
    if (running.child.exitCode !== null) break;
    await delay(50);
  }
  throw new Error(`no "${text}" in the output:\n${running.output()}`);
}

describe('npm run emulator (dist/test/emulator/emulator-cli.js)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('serves generateContent on --port, prints the GEMINI_BASE_URL line, and exits 0 on %s', async (signal) => {
    const port = await freePort();
    const emulator = spawnManaged(process.execPath, [EMULATOR_CLI, '--port', String(port), '--host', '127.0.0.1']);
    try {
      const output = await waitForOutput(emulator, 'Press Ctrl-C to stop.');
      expect(output).toContain(`Gemini emulator listening on http://127.0.0.1:${port}`);
      expect(output).toContain(`GEMINI_BASE_URL=http://127.0.0.1:${port} npm start`);
      const response = await fetch(`http://127.0.0.1:${port}/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': 'any' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'ping' }] }] }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
      expect(body.candidates[0]!.content.parts[0]!.text).toBe('Echo: ping');
      emulator.child.kill(signal);
      expect(await emulator.exited).toBe(0);
    } finally {
      await emulator.stop();
    }
  });

  it('refuses a bad --port with the usage', async () => {
    const emulator = spawnManaged(process.execPath, [EMULATOR_CLI, '--port', 'eighty']);
    expect(await emulator.exited).toBe(1);
    expect(emulator.output()).toContain('Usage: npm run emulator -- [--port N] [--host ADDRESS]');
  });
});

describe('npm run demo (dist/test/emulator/demo.js)', () => {
  it('runs on DEMO_PORT / DEMO_ADMIN_PORT, passes its chat, structured-output and Responses checks, and exits 0 on SIGINT', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    // A shell with a real key exported: the demo still runs its sidecar in the caller's key mode.
    const demo = spawnManaged(process.execPath, [DEMO], { DEMO_PORT: String(port), DEMO_ADMIN_PORT: String(adminPort), GEMINI_API_KEY: 'AIza-exported-in-the-shell' });
    try {
      const output = await waitForOutput(demo, 'Press Ctrl-C to stop.');
      expect(output).toContain(`sidecar  http://127.0.0.1:${port}   (admin http://127.0.0.1:${adminPort}/readyz`);
      expect(output).toContain('check    POST /v1/chat/completions answered: "Echo: Hello from the demo"');
      expect(output).toMatch(/check {4}openai SDK audio\.speech → audio\.transcriptions round trip: "I heard \d+(\.\d+)? seconds of audio\/wav audio\."/);
      expect(output).toContain('check    openai SDK completions.create (legacy) text: "Echo: Once upon a time"');
      expect(output).toMatch(/check {4}openai SDK chat\.completions\.parse \(zod schema\) parsed: \{"name":"[^"]*","country":"[^"]*","population":\d+\}/);
      expect(output).toContain('check    openai SDK responses.create (Responses API) output_text: "Echo: Hello from the Responses API"');
      expect(output).toMatch(/check {4}AI SDK generateObject \(zod schema\) generated: \{"name":"[^"]*","country":"[^"]*","population":\d+\}/);
      expect(output).toMatch(/check {4}openai SDK files\.create \+ batches\.create \(Batch API\) ran: completed, 2\/2 lines in file-\S+/);
      expect(output).not.toContain('Warning');
      expect(output).toContain('"keyMode":"caller"');
      expect(output).toContain('pip install openai');
      expect(output).toContain('pip install langchain-openai');
      expect(output).toContain('with_structured_output(City, method="json_schema")');
      expect(output).toContain('npm install openai ai @ai-sdk/openai zod');
      expect(output).toContain('chat.completions.parse(model="gemini-2.5-flash"');
      expect(output).toContain(`curl -s http://127.0.0.1:${port}/v1/responses`);
      expect(output).toContain('responses.create(model="gemini-2.5-flash", input="hi").output_text');
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(200);
      demo.child.kill('SIGINT');
      expect(await demo.exited).toBe(0);
      expect(demo.output()).not.toContain('demo failed');
      await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
    } finally {
      await demo.stop();
    }
  });
});
