import type { SidecarConfig } from './config-schema';
import { ConfigError } from './load-config';

/** Who vouches for a caller: a sidecar client key, the ingress in front, or the caller's own Gemini key. */
export type AuthMode = 'client-keys' | 'trusted-ingress' | 'caller-key';

/** Whether the sidecar holds Gemini keys of its own (GEMINI_API_KEY, GEMINI_API_KEYS, GEMINI_API_KEYS_FILE) or Vertex credentials. */
export function holdsServerKeys(config: SidecarConfig): boolean {
  return config.vertex.enabled || Boolean(config.gemini.apiKey) || config.gemini.apiKeys.length > 0 || Boolean(config.gemini.apiKeysFile);
}

/** The auth mode a config puts in force. */
export function authModeOf(config: SidecarConfig): AuthMode {
  if (!holdsServerKeys(config)) return 'caller-key';
  return config.auth.clientKeys.length > 0 ? 'client-keys' : 'trusted-ingress';
}

/**
 * Refuses a config in which the sidecar's own Gemini keys would serve any caller: with server keys, callers must
 * present client keys, unless the operator declares that the ingress in front authenticates them. Called once at
 * start-up (main.ts); the ConfigError's message is the one line printed before exiting.
 */
export function requireCallerAuth(config: SidecarConfig): void {
  if (!holdsServerKeys(config) || config.auth.clientKeys.length > 0 || config.auth.trustIngress) return;
  throw new ConfigError(
    "Refusing to start: the sidecar holds Gemini keys (GEMINI_API_KEY, GEMINI_API_KEYS or GEMINI_API_KEYS_FILE) or Vertex AI credentials (GOOGLE_GENAI_USE_VERTEXAI) and nothing checks who spends them; set SIDECAR_API_KEYS (auth.clientKeys) so callers must present one, or SIDECAR_TRUST_INGRESS=true (auth.trustIngress) if the ingress in front authenticates callers",
  );
}
