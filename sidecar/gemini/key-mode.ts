/** How upstream calls get their Gemini key. */
export type KeyMode = 'server-key' | 'key-pool' | 'caller';

/** The start-up log line on the key mode in force: fields and message. */
export interface KeyModeLine {
  keyMode: KeyMode;
  keyFingerprints: string[];
  message: string;
}

const CALLERS_IGNORED = "callers' Authorization and x-goog-api-key headers are not passed on";

/** Describes the key mode from the fingerprints of the sidecar's own keys (none → callers' keys): never a key. */
export function describeKeyMode(keyFingerprints: readonly string[]): KeyModeLine {
  const fingerprints = [...keyFingerprints];
  if (fingerprints.length === 0) {
    return {
      keyMode: 'caller',
      keyFingerprints: fingerprints,
      message:
        "Gemini key: the caller's. No GEMINI_API_KEY or GEMINI_API_KEYS is set, so each caller's Authorization: Bearer <key> or x-goog-api-key is passed on as the Gemini key (no key → 401)",
    };
  }
  if (fingerprints.length === 1) {
    return { keyMode: 'server-key', keyFingerprints: fingerprints, message: `Gemini key: the sidecar's own key (fingerprint ${fingerprints[0]}) on every call; ${CALLERS_IGNORED}` };
  }
  return {
    keyMode: 'key-pool',
    keyFingerprints: fingerprints,
    message: `Gemini key: a pool of ${fingerprints.length} keys used round-robin (fingerprints ${fingerprints.join(', ')}); ${CALLERS_IGNORED}`,
  };
}
