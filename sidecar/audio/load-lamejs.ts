import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';

/** The part of @breezystack/lamejs the sidecar uses. */
export interface LameEncoder {
  encodeBuffer(left: Int16Array): Uint8Array;
  flush(): Uint8Array;
}

type LameModule = { Mp3Encoder: new (channels: number, sampleRate: number, kbps: number) => LameEncoder };

let cached: LameModule | undefined;

/**
 * @breezystack/lamejs (the maintained pure-JS LAME port) ships its CommonJS entry as a browser IIFE that assigns a
 * global `lamejs` and exports nothing, and its ESM entry is closed to require(). The IIFE is run here inside a function
 * scope, so the encoder is returned without a global.
 */
export function loadLamejs(): LameModule {
  if (cached) return cached;
  const path = require.resolve('@breezystack/lamejs');
  const source = readFileSync(path, 'utf8');
  const factory = runInThisContext(`(function () {\n${source}\nreturn lamejs;\n})`, { filename: path }) as () => LameModule;
  cached = factory();
  return cached;
}
