import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { EmulatorScript } from '../emulator/emulator-types';
import { googleError } from '../emulator/google-error';
import { runScript } from '../emulator/response-writer';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, geminiTextChunks, listenHarness, pieces, readStream, RETRIES, until } from './fault-helpers';

const STREAMS = 200;
const CLIENT_TIMEOUT_MS = 15_000;

type Fault = 'success' | 'rate-limited-then-success' | 'cut-mid-stream' | 'server-error' | 'hang';
const FAULTS: readonly Fault[] = ['success', 'rate-limited-then-success', 'cut-mid-stream', 'server-error', 'hang'];

/** What one request will meet upstream, drawn from the seeded generator. */
interface Plan {
  id: number;
  fault: Fault;
  pieces: string[];
  intervalMs: number;
  cutAfter: number;
}

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with FAULT_SEED. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function makePlans(seed: number): Plan[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  return Array.from({ length: STREAMS }, (_, id) => {
    const count = between(2, 6);
    return { id, fault: FAULTS[between(0, FAULTS.length - 1)]!, pieces: pieces(`r${id}`, count), intervalMs: between(0, 30), cutAfter: between(1, count - 1) };
  });
}

/** The script answering attempt `attempt` (1-based) of a plan. */
function scriptFor(plan: Plan, attempt: number): EmulatorScript {
  const success: EmulatorScript = { kind: 'sse', chunks: geminiTextChunks(plan.pieces), intervalMs: plan.intervalMs };
  switch (plan.fault) {
    case 'success':
      return success;
    case 'rate-limited-then-success':
      return attempt === 1 ? { kind: 'json', ...googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted.') } : success;
    case 'cut-mid-stream':
      return { ...success, cutAfter: plan.cutAfter };
    case 'server-error':
      return { kind: 'json', ...googleError(500, 'INTERNAL', 'Internal error encountered.') };
    case 'hang':
      return { kind: 'hang' };
  }
}

/** Upstream attempts each fault must cost: no more (nothing duplicated), no fewer (nothing dropped). */
const EXPECTED_ATTEMPTS: Record<Fault, number> = {
  success: 1,
  'rate-limited-then-success': 2,
  'cut-mid-stream': 1,
  'server-error': RETRIES.maxAttempts,
  hang: 1,
};

/**
 * A Gemini stand-in that picks the emulator script by the request's own id (in its prompt) and attempt number, so
 * that under 200 concurrent requests each one meets its drawn fault (the emulator's FIFO queue follows arrival order).
 */
async function startKeyedUpstream(plans: Plan[]): Promise<{ url: string; attempts: number[]; close(): Promise<void> }> {
  const attempts = plans.map(() => 0);
  const closing = new AbortController();
  const server: Server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const prompt = /req-(\d+)/.exec(Buffer.concat(body).toString('utf8'));
      const plan = prompt ? plans[Number(prompt[1])] : undefined;
      if (!plan) {
        response.writeHead(400).end();
        return;
      }
      attempts[plan.id]!++;
      const sleep = (ms: number) => (ms > 0 ? delay(ms, undefined, { signal: closing.signal }) : Promise.resolve());
      runScript({ response, sleep }, scriptFor(plan, attempts[plan.id]!)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Outcome = { kind: 'complete'; content: string } | { kind: 'json-error'; status: number; code: string | null } | { kind: 'stream-error'; content: string; code: string | null } | { kind: 'broken'; detail: string };

/** Sorts a response into a complete answer, an explicit OpenAI error, or anything else (a silent truncation). */
function classify(status: number, contentType: string, text: string): Outcome {
  if (status !== 200) {
    const body = JSON.parse(text) as { error?: { code?: string | null; message?: string } };
    if (!contentType.startsWith('application/json') || typeof body.error?.message !== 'string') return { kind: 'broken', detail: `HTTP ${status} ${text.slice(0, 200)}` };
    return { kind: 'json-error', status, code: body.error.code ?? null };
  }
  const stream = readStream(text);
  if (stream.done && !stream.error && stream.finishReasons.join() === 'stop') return { kind: 'complete', content: stream.content };
  if (!stream.done && stream.errorIsLast && !stream.finishReasons.includes('stop')) return { kind: 'stream-error', content: stream.content, code: stream.error?.code ?? null };
  return { kind: 'broken', detail: text.slice(-300) };
}

function expectedOutcome(plan: Plan): Outcome {
  const content = plan.pieces.join('');
  switch (plan.fault) {
    case 'success':
    case 'rate-limited-then-success':
      return { kind: 'complete', content };
    case 'cut-mid-stream':
      return { kind: 'stream-error', content: plan.pieces.slice(0, plan.cutAfter).join(''), code: 'upstream_unreachable' };
    case 'server-error':
      return { kind: 'json-error', status: 500, code: 'internal' };
    case 'hang':
      return { kind: 'json-error', status: 504, code: 'upstream_timeout' };
  }
}

describe(`${STREAMS} concurrent streams with random upstream faults`, () => {
  const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 32));
  const plans = makePlans(seed);
  let upstream: Awaited<ReturnType<typeof startKeyedUpstream>>;
  let harness: SidecarHarness;
  let server: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    console.log(`random faults: seed ${seed} (replay with FAULT_SEED=${seed})`);
    upstream = await startKeyedUpstream(plans);
    harness = await startSidecarHarness({ gemini: { baseUrl: upstream.url, retry: RETRIES, firstByteTimeoutMs: 1_000, idleTimeoutMs: 5_000 } });
    server = await listenHarness(harness);
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
    await harness.close();
  });

  it('ends every stream as a complete answer or an explicit error, none truncated silently or hanging', async () => {
    const outcomes = await Promise.all(
      plans.map(async (plan): Promise<Outcome> => {
        try {
          const response = await fetch(`${server.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: 'Bearer caller-key', 'content-type': 'application/json' },
            body: JSON.stringify(chatBody(`req-${plan.id}`, true)),
            signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
          });
          return classify(response.status, response.headers.get('content-type') ?? '', await response.text());
        } catch (error) {
          return { kind: 'broken', detail: `client: ${(error as Error).message}` };
        }
      }),
    );
    const problems = plans.flatMap((plan, index) => {
      const found: string[] = [];
      const outcome = outcomes[index]!;
      if (JSON.stringify(outcome) !== JSON.stringify(expectedOutcome(plan))) {
        found.push(`#${plan.id} ${plan.fault}: got ${JSON.stringify(outcome)}, expected ${JSON.stringify(expectedOutcome(plan))}`);
      }
      if (upstream.attempts[plan.id] !== EXPECTED_ATTEMPTS[plan.fault]) {
        found.push(`#${plan.id} ${plan.fault}: ${upstream.attempts[plan.id]} upstream attempts, expected ${EXPECTED_ATTEMPTS[plan.fault]}`);
      }
      return found;
    });
    const tally = FAULTS.map((fault) => `${fault}=${plans.filter((plan) => plan.fault === fault).length}`).join(' ');
    console.log(`random faults: seed ${seed}: ${tally}; ${problems.length} problems`);
    expect({ seed, problems }).toEqual({ seed, problems: [] });
    expect(outcomes.every((outcome) => outcome.kind !== 'broken')).toBe(true);
    await until(() => harness.lifecycle.active === 0, 2_000, 'every request slot to be released');
  }, 30_000);
});
