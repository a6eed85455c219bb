import type { EmulatorScript, RecordedRequest } from '../emulator/gemini-emulator';

/** The in-cluster emulator's control API (test/emulator/emulator-service.ts) through its NodePort on 127.0.0.1. */
export class EmulatorControl {
  constructor(readonly url = 'http://127.0.0.1:31871') {}

  async requests(): Promise<Array<Omit<RecordedRequest, 'rawBody'>>> {
    const response = await fetch(`${this.url}/requests`);
    return (await response.json()) as Array<Omit<RecordedRequest, 'rawBody'>>;
  }

  /** The model calls (generateContent, streamGenerateContent, embedContent...) received so far. */
  async modelCalls(): Promise<Array<Omit<RecordedRequest, 'rawBody'>>> {
    return (await this.requests()).filter((request) => request.method === 'POST' && /\/models\/[^/:]+:/.test(request.path));
  }

  async enqueue(...scripts: EmulatorScript[]): Promise<void> {
    const response = await fetch(`${this.url}/scripts`, { method: 'POST', body: JSON.stringify(scripts) });
    if (!response.ok) throw new Error(`enqueue: ${response.status} ${await response.text()}`);
  }

  async reset(): Promise<void> {
    await fetch(`${this.url}/reset`, { method: 'POST' });
  }
}

/**
 * A streamed Gemini answer of `count` text chunks (shaped like the recorded ones under
 * ../shared/fixtures/gemini-recorded), `intervalMs` apart: long enough to restart pods under it.
 */
export function slowStream(count: number, intervalMs: number): EmulatorScript {
  const chunks = Array.from({ length: count }, (_, index) => ({
    candidates: [
      {
        content: { parts: [{ text: `part ${index + 1} ` }], role: 'model' },
        ...(index === count - 1 ? { finishReason: 'STOP' } : {}),
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: index + 1, totalTokenCount: index + 5 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'lab-slow-stream',
  }));
  return { kind: 'sse', chunks, intervalMs };
}

/** The text `slowStream(count)` streams, as the OpenAI answer carries it. */
export function slowStreamText(count: number): string {
  return Array.from({ length: count }, (_, index) => `part ${index + 1} `).join('');
}
