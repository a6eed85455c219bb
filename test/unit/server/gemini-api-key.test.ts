import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '@sidecar/errors/sidecar-error';
import { resolveGeminiApiKey } from '@sidecar/server/gemini-api-key';

describe('resolveGeminiApiKey', () => {
  const cases: Array<{ name: string; headers: IncomingHttpHeaders; configuredKey: string | undefined; expected: string | undefined }> = [
    {
      name: 'ignores the caller\'s Bearer token when the sidecar has keys (the pool is used)',
      headers: { authorization: 'Bearer caller-key' },
      configuredKey: 'sidecar-key',
      expected: undefined,
    },
    {
      name: 'ignores the caller\'s x-goog-api-key when the sidecar has keys',
      headers: { 'x-goog-api-key': 'caller-key' },
      configuredKey: 'sidecar-key',
      expected: undefined,
    },
    { name: 'needs no caller key when the sidecar has keys', headers: {}, configuredKey: 'sidecar-key', expected: undefined },
    { name: 'uses a Bearer token', headers: { authorization: 'Bearer AIzaBearer' }, configuredKey: undefined, expected: 'AIzaBearer' },
    { name: 'accepts a lower-case bearer scheme', headers: { authorization: 'bearer AIzaLower' }, configuredKey: undefined, expected: 'AIzaLower' },
    { name: 'uses x-goog-api-key', headers: { 'x-goog-api-key': 'AIzaGoog' }, configuredKey: undefined, expected: 'AIzaGoog' },
    { name: 'trims x-goog-api-key', headers: { 'x-goog-api-key': ' AIzaGoog ' }, configuredKey: undefined, expected: 'AIzaGoog' },
    {
      name: 'prefers the Bearer token over x-goog-api-key',
      headers: { authorization: 'Bearer AIzaBearer', 'x-goog-api-key': 'AIzaGoog' },
      configuredKey: undefined,
      expected: 'AIzaBearer',
    },
    {
      name: 'falls back to x-goog-api-key when authorization is not Bearer',
      headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-goog-api-key': 'AIzaGoog' },
      configuredKey: undefined,
      expected: 'AIzaGoog',
    },
    { name: 'treats an empty configured key as unset', headers: { authorization: 'Bearer AIzaBearer' }, configuredKey: '', expected: 'AIzaBearer' },
  ];
  it.each(cases)('$name', ({ headers, configuredKey, expected }) => {
    expect(resolveGeminiApiKey(headers, Boolean(configuredKey))).toBe(expected);
  });

  const missing: Array<{ name: string; headers: IncomingHttpHeaders }> = [
    { name: 'no credential headers', headers: {} },
    { name: 'an empty Bearer token', headers: { authorization: 'Bearer ' } },
    { name: 'a Basic authorization header', headers: { authorization: 'Basic c2VjcmV0LWJhc2ljLWtleQ==' } },
    { name: 'a blank x-goog-api-key', headers: { 'x-goog-api-key': '   ' } },
    { name: 'a Bearer value with a space inside', headers: { authorization: 'Bearer secret-part other-part' } },
  ];
  it.each(missing)('throws a 401 AuthenticationError without echoing any key for $name', ({ headers }) => {
    let thrown: unknown;
    try {
      resolveGeminiApiKey(headers, false);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuthenticationError);
    expect(thrown).toMatchObject({ status: 401, type: 'authentication_error', code: 'missing_api_key' });
    const message = (thrown as Error).message;
    for (const value of Object.values(headers)) {
      for (const word of String(value).split(/\s+/).filter((part) => part.length > 6)) expect(message).not.toContain(word);
    }
  });
});
