import fc from 'fast-check';

/** Any JSON value, kept shallow so that a run stays fast. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Strings as clients send them: mostly printable, sometimes any code point, sometimes empty. */
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** `arbitrary` in `present` of `absent + present` draws, otherwise undefined ({@link jsonObject} then leaves the key out). */
export function maybe<T>(arbitrary: fc.Arbitrary<T>, absent = 1, present = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: present, arbitrary });
}

/** `arbitrary` or null. */
export function nullable<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.constant(null) });
}

/** An object whose fields come from `fields`; fields that drew undefined are left out. */
export function jsonObject(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map((value) => Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)));
}

/** `wild` mode: the right type most of the time, any JSON value otherwise. Tidy mode: always `arbitrary`. */
export function typed<T>(arbitrary: fc.Arbitrary<T>, wild: boolean): fc.Arbitrary<T | fc.JsonValue> {
  return wild ? fc.oneof({ weight: 10, arbitrary }, { weight: 1, arbitrary: anyJson }) : arbitrary;
}

/** A number in [min, max] most of the time; in wild mode also any number, a bool or a string. */
export function numberIn(min: number, max: number, integer: boolean, wild: boolean): fc.Arbitrary<unknown> {
  const inRange = integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
  if (!wild) return inRange;
  const anyNumber = fc.double({ noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 6, arbitrary: inRange }, { weight: 1, arbitrary: anyNumber }, { weight: 1, arbitrary: anyJson });
}

/**
 * Stands for a JSON value nested `depth` levels deep (`{"a":{"a":…}}` or `[[…]]`), or for its JSON text. The value is
 * built only by {@link materialize}: V8's JSON.stringify, and fast-check printing a counterexample, overflow the stack
 * somewhere past 4,000 levels, while JSON.parse (and so express.json) reads any depth.
 */
export class DeepJson {
  constructor(
    readonly depth: number,
    readonly kind: 'object' | 'array',
    readonly asText: boolean,
  ) {}

  /** The JSON text, built without recursion. */
  text(): string {
    return this.kind === 'object' ? `${'{"a":'.repeat(this.depth)}{}${'}'.repeat(this.depth)}` : `${'['.repeat(this.depth)}${']'.repeat(this.depth)}`;
  }

  /** The value itself, built without recursion. */
  value(): unknown {
    let value: unknown = this.kind === 'object' ? {} : [];
    for (let level = 0; level < this.depth; level++) value = this.kind === 'object' ? { a: value } : [value];
    return value;
  }

  [fc.toStringMethod](): string {
    return `new DeepJson(${this.depth}, '${this.kind}', ${this.asText})`;
  }
}

/** A deeply nested value (or, with `asText`, its JSON text), from a few levels to well past the stack limits. */
export function deepJson(asText = false): fc.Arbitrary<DeepJson> {
  return fc
    .tuple(fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 3_000, max: 12_000 })), fc.constantFrom('object' as const, 'array' as const))
    .map(([depth, kind]) => new DeepJson(depth, kind, asText));
}

/** Replaces every {@link DeepJson} in a (shallow) generated value with what it stands for. */
export function materialize(value: unknown): unknown {
  if (value instanceof DeepJson) return value.asText ? value.text() : value.value();
  if (Array.isArray(value)) return value.map(materialize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, materialize(field)]));
  }
  return value;
}

/** JSON text of a generated value, with each {@link DeepJson} spliced in as text (JSON.stringify could not do it). */
export function toJsonText(value: unknown): string {
  if (value instanceof DeepJson) return value.asText ? JSON.stringify(value.text()) : value.text();
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : toJsonText(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, field]) => field !== undefined);
    return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${toJsonText(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
