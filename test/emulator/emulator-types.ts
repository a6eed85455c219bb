/** One HTTP request as the emulator received it. */
export interface RecordedRequest {
  method: string;
  /** pathname + search, e.g. '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse' */
  path: string;
  /** Lower-cased node headers. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when empty/unparseable. */
  body: unknown;
  rawBody: string;
  /** The connection closed before the answer was complete: the caller went away (or a cutting script cut it). */
  closedBeforeEnd?: boolean;
}

/** A scripted answer the test queues for the next model request. */
export type EmulatorScript =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | {
      kind: 'sse';
      /** Objects are serialised the way Google does (compact, `": "` after keys); strings are written verbatim. */
      chunks: Array<unknown | string>;
      intervalMs?: number;
      framing?: 'crlf' | 'lf';
      /** Destroy the socket abruptly after writing this many chunks. */
      cutAfter?: number;
      /** Raw text written after the chunks, before ending (e.g. a bare `{"error":…}` body). */
      trailer?: string;
      status?: number;
    }
  | {
      kind: 'raw';
      status: number;
      headers?: Record<string, string>;
      body: string | Buffer;
      /** Byte offsets at which the body is split into separate writes. */
      splitAt?: number[];
      intervalMs?: number;
    }
  | { kind: 'hang' }
  | { kind: 'reset' };

/** Options for GeminiEmulator.start(). */
export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Delay between default streamed chunks. */
  chunkIntervalMs?: number;
  /** Vertex AI project paths: whether a bearer token is valid (default: any). */
  acceptsToken?: (token: string) => boolean;
}
