import { SidecarError } from '../errors/sidecar-error';

/** Redis could not be reached, did not answer in time, or refused the command: nothing was read or written. */
export const STORE_UNAVAILABLE = 'response_store_unavailable';
/** The entry is above `store.maxEntryBytes`; nothing was written. */
export const STORE_ENTRY_TOO_LARGE = 'response_too_large_to_store';

/** Machine-readable reason of a StoreError (also its OpenAI `code`). */
export type StoreErrorCode = typeof STORE_UNAVAILABLE | typeof STORE_ENTRY_TOO_LARGE;

/**
 * A response store failure. It renders as an OpenAI error on its own (503 api_error, or 400 naming `store` for an
 * oversized entry); a route that can go on without the store checks `code` and reports "not stored" instead.
 */
export class StoreError extends SidecarError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, cause?: unknown) {
    const tooLarge = code === STORE_ENTRY_TOO_LARGE;
    super(message, { status: tooLarge ? 400 : 503, type: tooLarge ? 'invalid_request_error' : 'api_error', code, param: tooLarge ? 'store' : null, cause });
  }
}
