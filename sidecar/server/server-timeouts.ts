/**
 * How long the API servers keep an idle keep-alive connection. It outlives the idle upstream connections of common
 * ingresses (nginx keeps them 60 s) so the sidecar never closes one at the moment the proxy sends on it (a 502 race);
 * proxies that keep idle connections longer (Envoy: 1 h) must be told to drop them sooner (see config/ingress).
 */
export const API_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Headers timeout just above the keep-alive timeout, as Node requires. */
export const API_HEADERS_TIMEOUT_MS = API_KEEP_ALIVE_TIMEOUT_MS + 1_000;
