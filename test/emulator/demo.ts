import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { batchCheck } from './demo-batch';
import { GeminiEmulator } from './gemini-emulator';

/** The demo sidecar's ports unless DEMO_PORT / DEMO_ADMIN_PORT say otherwise: clear of npm start's 8080 and 9090. */
const DEFAULT_DEMO_PORT = '8081';
const DEFAULT_DEMO_ADMIN_PORT = '9091';

const City = z.object({ name: z.string(), country: z.string(), population: z.number().int() });

/**
 * `npm run demo`: the Gemini emulator on a free port, the real sidecar (dist/sidecar/main.js) in front of it, a chat
 * request, a structured-output request (openai SDK `parse`) and a Responses API request (`responses.create`) to prove it
 * answers, then the commands to try. No key
 * and no network needed; exits 1 when a check fails.
 */
async function demo(): Promise<void> {
  const emulator = await GeminiEmulator.start({ chunkIntervalMs: 150 });
  const port = process.env.DEMO_PORT || DEFAULT_DEMO_PORT;
  const adminPort = process.env.DEMO_ADMIN_PORT || DEFAULT_DEMO_ADMIN_PORT;
  // Ctrl-C should stop the demo at once, so no drain delay (its other settings are the defaults).
  const configDir = mkdtempSync(join(tmpdir(), 'openai-gemini-sidecar-demo-'));
  writeFileSync(join(configDir, 'demo.yaml'), 'server:\n  drainDelayMs: 0\n');
  const sidecar = spawn(process.execPath, [resolve(__dirname, '../../sidecar/main.js')], {
    env: {
      ...process.env,
      // The caller's key mode whatever the shell exports: the emulator needs no key, and a sidecar with one would
      // also need client keys or a trusted ingress to start.
      GEMINI_API_KEY: '',
      GEMINI_API_KEYS: '',
      GEMINI_API_KEYS_FILE: '',
      SIDECAR_API_KEYS: '',
      CONFIG_FILE: join(configDir, 'demo.yaml'),
      PORT: port,
      ADMIN_PORT: adminPort,
      GEMINI_BASE_URL: emulator.url,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let failed = false;
  const stop = () => {
    sidecar.kill('SIGTERM');
    void emulator.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  sidecar.on('exit', (code) => {
    rmSync(configDir, { recursive: true, force: true });
    void emulator.close().then(() => process.exit(failed ? 1 : (code ?? 0)));
  });

  try {
    await showDemo(`http://127.0.0.1:${port}`, adminPort, emulator.url);
  } catch (error) {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    failed = true;
    stop();
  }
}

/** Runs the checks and prints the demo text; throws when a check fails. */
async function showDemo(base: string, adminPort: string, emulatorUrl: string): Promise<void> {
  await waitForReady(`http://127.0.0.1:${adminPort}/readyz`);
  const answer = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer demo-key' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello from the demo' }] }),
  }).then((response) => response.json());
  const message = (answer as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content;
  const structured = await parseCheck(`${base}/v1`);
  const responses = await responsesCheck(`${base}/v1`);
  const generated = await generateObjectCheck(`${base}/v1`);
  const audio = await audioRoundTripCheck(`${base}/v1`);
  const completion = await completionsCheck(`${base}/v1`);
  const batch = await batchCheck(`${base}/v1`);
  process.stdout.write(`
openai-gemini-sidecar demo
  sidecar  ${base}   (admin http://127.0.0.1:${adminPort}/readyz; DEMO_PORT / DEMO_ADMIN_PORT change them)
  Gemini   ${emulatorUrl}   (local emulator: replies "Echo: <your last message>", JSON that fits a requested schema)
  check    POST /v1/chat/completions answered: ${JSON.stringify(message)}
  check    openai SDK chat.completions.parse (zod schema) ${structured.ok ? 'parsed' : 'FAILED'}: ${structured.text}
  check    openai SDK responses.create (Responses API) ${responses.ok ? 'output_text' : 'FAILED'}: ${responses.text}
  check    AI SDK generateObject (zod schema) ${generated.ok ? 'generated' : 'FAILED'}: ${generated.text}
  check    openai SDK audio.speech → audio.transcriptions ${audio.ok ? 'round trip' : 'FAILED'}: ${audio.text}
  check    openai SDK completions.create (legacy) ${completion.ok ? 'text' : 'FAILED'}: ${completion.text}
  check    openai SDK files.create + batches.create (Batch API) ${batch.ok ? 'ran' : 'FAILED'}: ${batch.text}

Try it (any bearer token works against the emulator):

  curl -s ${base}/v1/chat/completions -H "Authorization: Bearer demo-key" -H "Content-Type: application/json" \\
    -d '{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"你是一个助手"},{"role":"user","content":"你好"}]}'

  curl -N ${base}/v1beta/openai/chat/completions -H "Authorization: Bearer demo-key" -H "Content-Type: application/json" \\
    -d '{"model":"gemini-2.5-flash","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me a story"}]}'

  curl -s ${base}/v1/responses -H "Authorization: Bearer demo-key" -H "Content-Type: application/json" \\
    -d '{"model":"gemini-2.5-flash","instructions":"Answer briefly.","input":"What is the Responses API?"}'

  curl -s ${base}/v1/audio/speech -H "Authorization: Bearer demo-key" -H "Content-Type: application/json" \\
    -d '{"model":"tts-1","voice":"alloy","input":"Hello from the demo"}' -o hello.mp3
  curl -s ${base}/v1/audio/transcriptions -H "Authorization: Bearer demo-key" -F model=whisper-1 -F file=@hello.mp3 -F response_format=srt

Python (needs the openai package, which brings pydantic: pip install openai):

  python3 -c 'from openai import OpenAI; c = OpenAI(api_key="demo-key", base_url="${base}/v1beta/openai"); print(c.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content)'

  python3 -c 'from openai import OpenAI; c = OpenAI(api_key="demo-key", base_url="${base}/v1"); print(c.responses.create(model="gemini-2.5-flash", input="hi").output_text)'

  python3 -c 'from openai import OpenAI; from pydantic import create_model; City = create_model("City", name=(str, ...), country=(str, ...), population=(int, ...)); c = OpenAI(api_key="demo-key", base_url="${base}/v1beta/openai"); print(c.chat.completions.parse(model="gemini-2.5-flash", messages=[{"role": "user", "content": "Name a large city"}], response_format=City).choices[0].message.parsed)'

LangChain's with_structured_output (pip install langchain-openai):

  python3 -c 'from langchain_openai import ChatOpenAI; from pydantic import create_model; City = create_model("City", name=(str, ...), country=(str, ...)); m = ChatOpenAI(model="gemini-2.5-flash", api_key="demo-key", base_url="${base}/v1"); print(m.with_structured_output(City, method="json_schema").invoke("Name a large city"))'

Node (works inside this repository, where openai, ai, @ai-sdk/openai and zod are devDependencies; elsewhere first:
npm install openai ai @ai-sdk/openai zod; Node 22 or newer):

  node -e 'const OpenAI = require("openai"); new OpenAI({ apiKey: "demo-key", baseURL: "${base}/v1beta/openai" }).chat.completions.create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] }).then((r) => console.log(r.choices[0].message.content))'

  node --input-type=module -e 'import { generateObject } from "ai"; import { createOpenAI } from "@ai-sdk/openai"; import { z } from "zod"; const { object } = await generateObject({ model: createOpenAI({ baseURL: "${base}/v1", apiKey: "demo-key" }).chat("gemini-2.5-flash"), schema: z.object({ name: z.string(), population: z.number() }), prompt: "Name a large city" }); console.log(object)'

Prompts containing [block], [safety], [max] or [think] make the emulator answer a blocked prompt, a safety stop,
a MAX_TOKENS stop or a thinking answer. With tools it calls the first function ([parallel]: the first two), and it
answers tool results with "Result: …". *-image models return a tiny PNG (an edit returns its first input image);
*-tts models speak a tone; audio input is "heard" as its length and type. Press Ctrl-C to stop.
`);
  if (message === undefined || !structured.ok || !responses.ok || !generated.ok || !audio.ok || !completion.ok || !batch.ok) throw new Error('a check above did not pass');
}

/** The Vercel AI SDK (ESM, so imported dynamically) through its OpenAI chat model: generateObject with a zod schema. */
async function generateObjectCheck(baseURL: string): Promise<{ ok: boolean; text: string }> {
  try {
    // generateObject still works in AI SDK 7 but warns that it is deprecated; the demo shows it, so it stays quiet.
    (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
    const [{ generateObject }, { createOpenAI }] = await Promise.all([import('ai'), import('@ai-sdk/openai')]);
    const model = createOpenAI({ baseURL, apiKey: 'demo-key' }).chat('gemini-2.5-flash');
    const { object } = await generateObject({ model, schema: City, prompt: 'Name a large city', maxRetries: 0 });
    return { ok: true, text: JSON.stringify(object) };
  } catch (error) {
    return { ok: false, text: (error as Error).message.split('\n')[0] ?? 'error' };
  }
}

/** The openai SDK's structured output against the sidecar: a zod schema in, the parsed object out. */
async function parseCheck(baseURL: string): Promise<{ ok: boolean; text: string }> {
  const client = new OpenAI({ apiKey: 'demo-key', baseURL, maxRetries: 0 });
  try {
    const completion = await client.chat.completions.parse({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Name a large city' }],
      response_format: zodResponseFormat(City, 'city'),
    });
    const parsed = completion.choices[0]?.message.parsed;
    return parsed ? { ok: true, text: JSON.stringify(parsed) } : { ok: false, text: 'no parsed object' };
  } catch (error) {
    return { ok: false, text: (error as Error).message.split('\n')[0] ?? 'error' };
  }
}

/** The openai SDK's Responses API against the sidecar: `responses.create`, read through the SDK's `output_text`. */
async function responsesCheck(baseURL: string): Promise<{ ok: boolean; text: string }> {
  const client = new OpenAI({ apiKey: 'demo-key', baseURL, maxRetries: 0 });
  try {
    const response = await client.responses.create({ model: 'gemini-2.5-flash', input: 'Hello from the Responses API' });
    return response.output_text ? { ok: true, text: JSON.stringify(response.output_text) } : { ok: false, text: `no output_text (status ${response.status})` };
  } catch (error) {
    return { ok: false, text: (error as Error).message.split('\n')[0] ?? 'error' };
  }
}

/** Speech as WAV from the TTS alias, sent back to the transcription alias: what the emulator heard. */
async function audioRoundTripCheck(baseURL: string): Promise<{ ok: boolean; text: string }> {
  const client = new OpenAI({ apiKey: 'demo-key', baseURL, maxRetries: 0 });
  try {
    const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello from the demo', response_format: 'wav' });
    const file = await toFile(Buffer.from(await speech.arrayBuffer()), 'hello.wav', { type: 'audio/wav' });
    const transcript = await client.audio.transcriptions.create({ model: 'whisper-1', file });
    return transcript.text ? { ok: true, text: JSON.stringify(transcript.text) } : { ok: false, text: 'no text' };
  } catch (error) {
    return { ok: false, text: (error as Error).message.split('\n')[0] ?? 'error' };
  }
}

/** The legacy completions endpoint, as FIM and code-completion tools call it. */
async function completionsCheck(baseURL: string): Promise<{ ok: boolean; text: string }> {
  const client = new OpenAI({ apiKey: 'demo-key', baseURL, maxRetries: 0 });
  try {
    const completion = await client.completions.create({ model: 'gemini-2.5-flash', prompt: 'Once upon a time' });
    const text = completion.choices[0]?.text;
    return text ? { ok: true, text: JSON.stringify(text) } : { ok: false, text: 'no text' };
  } catch (error) {
    return { ok: false, text: (error as Error).message.split('\n')[0] ?? 'error' };
  }
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
