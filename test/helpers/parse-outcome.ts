/**
 * The outcome of a parse as a value, so a fast path and zod can be compared with one toStrictEqual: the result, or
 * the error's class, message, param and code.
 */
export function parseOutcome(parse: () => unknown): unknown {
  try {
    return { ok: parse() };
  } catch (error) {
    const { message, param, code } = error as { message: string; param?: unknown; code?: unknown };
    return { error: [(error as Error).constructor.name, message, param, code] };
  }
}
