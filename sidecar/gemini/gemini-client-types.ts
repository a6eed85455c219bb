import type { AttemptTrace } from '../observability/upstream-span';
import type { RetryPolicy } from './retry-policy';
import type { GeminiBackend } from './backends/gemini-backend';

/** Connection, timeout and retry settings of the upstream client (a slice of the sidecar config). */
export interface GeminiClientOptions {
  baseUrl: string;
  apiVersion: string;
  /** The API dialect (Developer API or Vertex AI); default: the Developer API at baseUrl/apiVersion. */
  backend?: GeminiBackend;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  /** Whole call, stream included. */
  totalTimeoutMs: number;
  maxEventBytes: number;
  retry: RetryPolicy;
  /** The sidecar's own keys (GEMINI_API_KEY, GEMINI_API_KEYS, a key file): used round-robin instead of callers'. */
  keys?: readonly string[];
  /** How long a pool key Gemini called invalid is skipped before it is tried again. */
  invalidKeyCooldownMs: number;
  /** Called once per HTTP attempt with its outcome label (ok, 4xx, 429, 5xx, timeout, network, cancelled). */
  onAttempt?: (outcome: string) => void;
  /** Starts the trace of one HTTP attempt (a CLIENT span whose context travels in the returned headers). */
  traceAttempt?: (method: string, path: string) => AttemptTrace;
  /** Called when a pool key changes state (by fingerprint, never the key). */
  onKeyEvent?: (event: KeyEvent) => void;
}

/** A pool key's transition: rate-limited for `ms`, called invalid (benched for `ms`, or kept as the last key), or back. */
export type KeyEvent =
  | { fingerprint: string; state: 'cooling'; ms: number }
  | { fingerprint: string; state: 'invalid'; benched: boolean; ms: number }
  | { fingerprint: string; state: 'active' };

/** How a Files / Batch API call differs from a model call: another path root, extra headers, a raw body. */
export interface UpstreamRequestOptions {
  /** Google serves uploads under /upload/{version} and downloads under /download/{version}. */
  root?: 'upload' | 'download';
  /** A path (with query) on the Gemini origin, used as is: the resumable upload URL Gemini handed out. */
  originPath?: string;
  headers?: Record<string, string>;
  /** Sent as is instead of a JSON body. */
  raw?: Uint8Array;
}

/** A JSON answer with its headers (the upload protocol answers in headers). */
export interface UpstreamJson {
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}
