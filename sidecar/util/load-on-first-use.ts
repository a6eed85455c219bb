/**
 * `require(id)` at the moment a module is first needed, not when the sidecar starts: for modules only some
 * configurations use (Redis, google-auth-library, sdk-node's exporters, the native proxy, the Opus codec), which
 * otherwise sit in every idle process's memory. Relative modules pass their resolved path.
 */
export function loadOnFirstUse<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the point of this function
  return require(id) as T;
}
