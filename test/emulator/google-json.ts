/** A status and a JSON body, as the default behaviour answers (GoogleErrorReply is one). */
export interface JsonReply {
  status: number;
  body: unknown;
}

/** Pretty JSON as Google sends unary bodies: 2-space indent and a trailing newline (recorded content-length is one byte longer). */
export function googlePrettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Compact JSON as Google writes SSE payloads: `": "` after keys, `,` without a space
 * (see pydantic-ai cassette test_google_model_stream.yaml).
 */
export function googleCompactJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : googleCompactJson(item))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined && typeof member !== 'function')
      .map(([key, member]) => `${JSON.stringify(key)}: ${googleCompactJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
