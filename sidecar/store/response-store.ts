import { createHash } from 'node:crypto';

/** One stored response: what the next turn needs to rebuild the conversation, and what GET returns. */
export interface StoredResponse {
  id: string; // resp_…
  /** The full conversation input of that turn as Responses input items (history from previous_response_id included). */
  input: unknown[];
  /** The response object as returned to the client (output items included). */
  response: Record<string, unknown>;
}

/** Where `store: true` responses live, shared by every replica; every entry belongs to one tenant. */
export interface ResponseStore {
  /** Saves under the caller's tenant; expires after the configured TTL. Throws StoreError when too large or unreachable. */
  put(tenant: string, entry: StoredResponse): Promise<void>;
  /** undefined when absent, expired, or stored by another tenant. */
  get(tenant: string, id: string): Promise<StoredResponse | undefined>;
  /** true when it existed for this tenant and is now gone. */
  delete(tenant: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The tenant of a request: a SHA-256 of the credential the caller presented (sidecar client key, or its own Gemini
 * key), never the credential itself. A fixed prefix keeps it unequal to the key fingerprints the logs show.
 */
export function tenantOf(credential: string): string {
  return createHash('sha256').update('openai-gemini-sidecar tenant\0').update(credential).digest('hex');
}
