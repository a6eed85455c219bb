// Building blocks of the fast checks that let the common, plainly valid payload skip its zod parse (see
// gemini-response-fast-path.ts, openai-chat-fast-path.ts). Each answers "certainly valid" or "ask zod": never an error.

/** A JSON object zod would copy as it is: not an array, and without an own `__proto__` key (zod drops that one). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.hasOwn(value, '__proto__');
}

export function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function nullishString(value: unknown): boolean {
  return isNullish(value) || typeof value === 'string';
}

export function nullishBoolean(value: unknown): boolean {
  return isNullish(value) || typeof value === 'boolean';
}

/** null, undefined, or a finite number within [min, max] (zod's z.number() refuses infinities). */
export function nullishNumberIn(value: unknown, min = -Infinity, max = Infinity): boolean {
  return isNullish(value) || (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max);
}

/** null, undefined, or a safe integer within [min, max] (zod's `.int()`). */
export function nullishIntegerIn(value: unknown, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): boolean {
  return isNullish(value) || (Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max);
}

/** Every element passes `check` (`value` is an array). */
export function everyElement(value: unknown, check: (element: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (const element of value) if (!check(element)) return false;
  return true;
}
