import type { AuthMode } from '../config/caller-auth';

/** How upstream calls get their Gemini key. */
export type KeyMode = 'server-key' | 'key-pool' | 'caller' | 'vertex-adc' | 'vertex-express';

/** The start-up log line on the key and auth modes in force: fields and message. */
export interface KeyModeLine {
  keyMode: KeyMode;
  authMode: AuthMode;
  keyFingerprints: string[];
  message: string;
}

const CALLERS_IGNORED = "callers' Authorization and x-goog-api-key headers are not passed on";

const AUTH_MODE_TEXT: Record<AuthMode, string> = {
  'client-keys': 'Callers must present one of the SIDECAR_API_KEYS (auth.clientKeys)',
  'trusted-ingress':
    'Callers are not checked by the sidecar: SIDECAR_TRUST_INGRESS=true (auth.trustIngress) says the ingress in front authenticates them, so anyone who reaches this port spends the keys',
  'caller-key': 'Callers authenticate with their own Gemini key',
};

/**
 * Describes the key mode from the fingerprints of the sidecar's own keys (none → callers' keys), and who vouches for
 * callers: never a key.
 */
export function describeKeyMode(keyFingerprints: readonly string[], authMode: AuthMode): KeyModeLine {
  const fingerprints = [...keyFingerprints];
  const auth = `. ${AUTH_MODE_TEXT[authMode]}`;
  if (fingerprints.length === 0) {
    return {
      keyMode: 'caller',
      authMode,
      keyFingerprints: fingerprints,
      message: `Gemini key: the caller's. No GEMINI_API_KEY or GEMINI_API_KEYS is set, so each caller's Authorization: Bearer <key> or x-goog-api-key is passed on as the Gemini key (no key → 401)${auth}`,
    };
  }
  if (fingerprints.length === 1) {
    return {
      keyMode: 'server-key',
      authMode,
      keyFingerprints: fingerprints,
      message: `Gemini key: the sidecar's own key (fingerprint ${fingerprints[0]}) on every call; ${CALLERS_IGNORED}${auth}`,
    };
  }
  return {
    keyMode: 'key-pool',
    authMode,
    keyFingerprints: fingerprints,
    message: `Gemini key: a pool of ${fingerprints.length} keys used round-robin (fingerprints ${fingerprints.join(', ')}); ${CALLERS_IGNORED}${auth}`,
  };
}

/** The start-up line for the Vertex backend: OAuth tokens from Application Default Credentials, or an express-mode key. */
export function describeVertexMode(
  authMode: AuthMode,
  vertex: { auth: 'adc' | 'express'; project: string | undefined; location: string; baseUrl: string; keyFingerprints: readonly string[] },
): KeyModeLine {
  const where = vertex.auth === 'adc' ? `project ${vertex.project ?? "from the credentials"}, location ${vertex.location}, ${vertex.baseUrl}` : vertex.baseUrl;
  const credential =
    vertex.auth === 'adc'
      ? 'OAuth access tokens from Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, else the metadata server: GKE Workload Identity)'
      : `an express-mode API key (fingerprint ${vertex.keyFingerprints[0] ?? '?'})`;
  return {
    keyMode: vertex.auth === 'adc' ? 'vertex-adc' : 'vertex-express',
    authMode,
    keyFingerprints: [...vertex.keyFingerprints],
    message: `Vertex AI (${where}) with ${credential}; ${CALLERS_IGNORED}. ${AUTH_MODE_TEXT[authMode]}`,
  };
}
