/** A JSON object as the emulator reads it from a request body. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `inlineData` → `inline_data`: the proto field name Google also accepts and uses in error paths. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Reads a proto3-JSON field by its lowerCamelCase name, falling back to the snake_case spelling Google also accepts. */
export function field(record: JsonObject, name: string): unknown {
  return record[name] ?? record[snakeCase(name)];
}

/** A field that must be an object, or undefined when absent or of another type. */
export function recordField(record: JsonObject, name: string): JsonObject | undefined {
  const value = field(record, name);
  return isRecord(value) ? value : undefined;
}

/** A field that must be an array, or [] when absent or of another type. */
export function arrayField(record: JsonObject, name: string): unknown[] {
  const value = field(record, name);
  return Array.isArray(value) ? value : [];
}

/** True when the field is present under either spelling. */
export function hasField(record: JsonObject, name: string): boolean {
  return field(record, name) !== undefined;
}
