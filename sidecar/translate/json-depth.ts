import { InvalidRequestError } from '../errors/sidecar-error';

/**
 * Deepest nesting accepted in a request. JSON.parse reads any depth, but V8's JSON.stringify overflows the stack
 * past ~4,400 levels, so an absurdly nested body would fail only when the Gemini request is serialised.
 */
export const MAX_JSON_DEPTH = 512;

/** Throws a 400 when `value` nests objects/arrays deeper than `limit` (checked iteratively, never recursively). */
export function assertJsonDepth(value: unknown, param: string | null, limit = MAX_JSON_DEPTH): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) throw new InvalidRequestError(`JSON nested deeper than ${limit} levels is not accepted.`, param, 'too_deeply_nested');
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
}
