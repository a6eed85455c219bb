const STANDARD = /^[A-Za-z0-9+/]*$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/**
 * The proto3-JSON rule for `bytes` fields: standard or URL-safe base64, padded or not
 * (https://protobuf.dev/programming-guides/json/). Whitespace, `data:` prefixes and mixed alphabets fail.
 */
export function isGoogleBase64(value: string): boolean {
  const body = value.replace(/={1,2}$/, '');
  if (!STANDARD.test(body) && !URL_SAFE.test(body)) return false;
  if (body.length % 4 === 1) return false;
  return body.length === value.length || value.length % 4 === 0;
}

/** Number of bytes a valid base64 string decodes to. */
export function base64ByteLength(value: string): number {
  // Node's base64 decoder accepts both alphabets.
  return Buffer.from(value, 'base64').length;
}
