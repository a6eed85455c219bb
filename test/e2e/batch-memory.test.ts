import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';

// Big batch files stream: a 200 MB input is translated into a spool file and uploaded in 8 MiB chunks, and its
// results are translated as they download, so the sidecar's resident memory grows by far less than the file.

const LINE_TEXT_CHARS = 5_000;
/** 200 MB, just under the default batch.maxFileBytes (209,715,200 bytes). */
const TARGET_BYTES = 200_000_000;
const BOUNDARY = '----batch-memory-boundary';

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Samples the process's RSS every 20 ms while `work` runs; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ peak: number; result: T }> {
  const seen = { peak: rssBytes(pid), running: true };
  const sampler = (async () => {
    while (seen.running) {
      seen.peak = Math.max(seen.peak, rssBytes(pid));
      await delay(20);
    }
  })();
  const result = await work().finally(() => (seen.running = false));
  await sampler;
  return { peak: Math.max(seen.peak, rssBytes(pid)), result };
}

/** A multipart body streamed line by line, never held whole: `lines` chat requests of ~LINE_TEXT_CHARS each. */
function multipartStream(lines: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const filler = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(LINE_TEXT_CHARS / 27)).slice(0, LINE_TEXT_CHARS);
  let index = 0;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n`));
      controller.enqueue(encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n`));
    },
    pull(controller) {
      if (index >= lines) {
        controller.enqueue(encoder.encode(`\r\n--${BOUNDARY}--\r\n`));
        controller.close();
        return;
      }
      const chunk: string[] = [];
      for (let end = Math.min(lines, index + 200); index < end; index++) {
        const body = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `${index} ${filler}` }] };
        chunk.push(`${JSON.stringify({ custom_id: `line-${index}`, method: 'POST', url: '/v1/chat/completions', body })}\n`);
      }
      controller.enqueue(encoder.encode(chunk.join('')));
    },
  });
}

describe('a 200 MB batch input through the built sidecar', () => {
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    sidecar = await startSidecarProcess(emulator.url);
  });
  afterAll(async () => {
    await sidecar?.stop();
    await emulator?.close();
  });

  it('uploads, runs and downloads it with RSS growth under 100 MB', async () => {
    const pid = sidecar.child.pid!;
    const lineBytes = JSON.stringify({ custom_id: 'line-00000', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `0 ${'x'.repeat(LINE_TEXT_CHARS)}` }] } }).length + 1;
    const lines = Math.ceil(TARGET_BYTES / lineBytes);
    // Warm up every code path once (small upload, batch, download) so the baseline includes loaded code.
    const small = await fetch(`${sidecar.url}/v1/files`, { method: 'POST', body: multipartStream(3), duplex: 'half', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } } as RequestInit);
    expect(small.status).toBe(200);
    await delay(500);
    const baseline = rssBytes(pid);

    const upload = await peakRss(pid, async () => {
      const response = await fetch(`${sidecar.url}/v1/files`, { method: 'POST', body: multipartStream(lines), duplex: 'half', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } } as RequestInit);
      return { status: response.status, body: (await response.json()) as { id: string; bytes: number } };
    });
    expect(upload.result.status).toBe(200);
    expect(upload.result.body.bytes).toBeGreaterThanOrEqual(TARGET_BYTES);
    const uploaded = [...emulator.batchStore.files.values()].at(-1)!;
    expect(uploaded.sizeBytes).toBeGreaterThan(0.9 * TARGET_BYTES);
    const chunks = emulator.requests.filter((request) => request.path.includes('upload_id='));
    expect(chunks.length).toBeGreaterThan(0.9 * TARGET_BYTES / (8 * 1024 * 1024));

    const created = (await (await fetch(`${sidecar.url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_file_id: upload.result.body.id, endpoint: '/v1/chat/completions', completion_window: '24h' }),
    })).json()) as { id: string };
    let batch: { status: string; output_file_id: string | null; request_counts: { completed: number } } | undefined;
    for (let polls = 0; polls < 5 && batch?.status !== 'completed'; polls++) batch = (await (await fetch(`${sidecar.url}/v1/batches/${created.id}`)).json()) as typeof batch;
    expect(batch!.status).toBe('completed');
    expect(batch!.request_counts.completed).toBe(lines);

    const download = await peakRss(pid, async () => {
      const response = await fetch(`${sidecar.url}/v1/files/${batch!.output_file_id}/content`);
      let count = 0;
      const decoder = new TextDecoder();
      for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) count += (decoder.decode(part, { stream: true }).match(/\n/g) ?? []).length;
      return count;
    });
    expect(download.result).toBe(lines);

    const growth = Math.max(upload.peak, download.peak) - baseline;
    process.stdout.write(`batch memory: ${lines} lines, baseline RSS ${(baseline / 2 ** 20).toFixed(1)} MiB, upload peak +${((upload.peak - baseline) / 2 ** 20).toFixed(1)} MiB, download peak +${((download.peak - baseline) / 2 ** 20).toFixed(1)} MiB\n`);
    expect(growth).toBeLessThan(100 * 1024 * 1024);
  }, 300_000);
});
