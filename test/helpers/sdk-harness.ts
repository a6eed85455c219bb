import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startSidecarHarness, type HarnessOverrides, type SidecarHarness } from './sidecar-harness';

/** A sidecar harness listening on a port, with the official openai SDK pointed at it. */
export interface SdkHarness {
  harness: SidecarHarness;
  client: OpenAI;
  close(): Promise<void>;
}

/** Starts the in-process sidecar + emulator on 127.0.0.1 and an SDK client for `basePath` (no SDK retries). */
export async function startSdkHarness(basePath = '/v1', apiKey = 'k', overrides: HarnessOverrides = {}): Promise<SdkHarness> {
  const harness = await startSidecarHarness(overrides);
  const server: Server = harness.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const client = new OpenAI({ apiKey, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`, maxRetries: 0 });
  return {
    harness,
    client,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await harness.close();
    },
  };
}

/**
 * One SDK harness for the enclosing describe block: started before its tests (handed to `use`), closed after them,
 * the emulator's recordings cleared before each test.
 */
export function useSdkHarness(basePath: string, apiKey: string, overrides: HarnessOverrides, use: (sdk: SdkHarness) => void): void {
  let sdk: SdkHarness | undefined;
  beforeAll(async () => {
    sdk = await startSdkHarness(basePath, apiKey, overrides);
    use(sdk);
  });
  afterAll(() => sdk?.close());
  beforeEach(() => sdk?.harness.emulator.reset());
}
