import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GeminiEmulator } from './gemini-emulator';

/**
 * `npm run demo`: the Gemini emulator on a free port, the real sidecar (dist/sidecar/main.js) in front of it,
 * one request to prove it answers, then the commands to try. No key and no network needed.
 */
async function demo(): Promise<void> {
  const emulator = await GeminiEmulator.start({ chunkIntervalMs: 150 });
  const port = process.env.PORT ?? '8080';
  const adminPort = process.env.ADMIN_PORT ?? '9090';
  const sidecar = spawn(process.execPath, [resolve(__dirname, '../../sidecar/main.js')], {
    env: { ...process.env, PORT: port, ADMIN_PORT: adminPort, GEMINI_BASE_URL: emulator.url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => {
    sidecar.kill('SIGTERM');
    void emulator.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  sidecar.on('exit', (code) => {
    void emulator.close().then(() => process.exit(code ?? 0));
  });

  const base = `http://127.0.0.1:${port}`;
  await waitForReady(`http://127.0.0.1:${adminPort}/readyz`);
  const answer = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer demo-key' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello from the demo' }] }),
  }).then((response) => response.json());
  const message = (answer as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content;
  process.stdout.write(`
openai-gemini-sidecar demo
  sidecar  ${base}   (admin http://127.0.0.1:${adminPort}/readyz)
  Gemini   ${emulator.url}   (local emulator: replies "Echo: <your last message>")
  check    POST /v1/chat/completions answered: ${JSON.stringify(message)}

Try it (any bearer token works against the emulator):

  curl -s ${base}/v1/chat/completions -H "Authorization: Bearer demo-key" -H "Content-Type: application/json" \\
    -d '{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"你是一个助手"},{"role":"user","content":"你好"}]}'

  curl -N ${base}/v1beta/openai/chat/completions -H "Authorization: Bearer demo-key" -H "Content-Type: application/json" \\
    -d '{"model":"gemini-2.5-flash","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me a story"}]}'

  python3 -c 'from openai import OpenAI; c = OpenAI(api_key="demo-key", base_url="${base}/v1beta/openai"); print(c.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content)'

  node -e 'const OpenAI = require("openai"); new OpenAI({ apiKey: "demo-key", baseURL: "${base}/v1beta/openai" }).chat.completions.create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] }).then((r) => console.log(r.choices[0].message.content))'

Prompts containing [block], [safety], [max] or [think] make the emulator answer a blocked prompt, a safety stop,
a MAX_TOKENS stop or a thinking answer. With tools it calls the first function ([parallel]: the first two), and it
answers tool results with "Result: …". *-image models return a tiny PNG. Press Ctrl-C to stop.
`);
}

async function waitForReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the sidecar did not become ready at ${url}`);
}

void demo().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exit(1);
});
