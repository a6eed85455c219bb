/** process.emitWarning's call shapes: (warning, type?, code?, ctor?) or (warning, { type, code, detail }). */
type EmitWarning = (warning: string | Error, ...rest: unknown[]) => void;

/** `emit` minus the warnings carrying `code`; every other warning is passed on unchanged. */
export function withoutWarningCode(emit: EmitWarning, code: string): EmitWarning {
  return (warning, ...rest) => {
    const options = rest[0];
    const warningCode = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (warningCode !== code) emit(warning, ...rest);
  };
}

let silenced = false;

/**
 * http-proxy 1.18.1 (under http-proxy-middleware 3) calls the deprecated `util._extend`, so Node prints DEP0060 on
 * the first native passthrough request; the fix was never merged (https://github.com/http-party/node-http-proxy/pull/1666).
 * http-proxy-middleware 4 swaps http-proxy for httpxy but ships ESM only, which this CommonJS build and its jest
 * suite cannot load without --experimental-vm-modules. Until then exactly DEP0060 is dropped, in-process, so it
 * holds however the process is started (npm start, the image CMD, node dist/sidecar/main.js).
 */
export function silenceHttpProxyDeprecation(): void {
  if (silenced) return;
  silenced = true;
  process.emitWarning = withoutWarningCode(process.emitWarning.bind(process) as EmitWarning, 'DEP0060') as typeof process.emitWarning;
}
