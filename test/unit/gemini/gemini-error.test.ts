import { UpstreamError } from '@sidecar/errors/sidecar-error';
import { geminiErrorToSidecarError, parseGeminiErrorBody, retryAfterSeconds } from '@sidecar/gemini/gemini-error';
import { loadRecordedJson } from '../../helpers/recorded-fixtures';

/** A Gemini error body as Google sends it. */
function googleError(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

const apiKeyInvalid = googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
  { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
  { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid.' },
]);

describe('geminiErrorToSidecarError', () => {
  const cases = [
    {
      name: '400 INVALID_ARGUMENT → 400 invalid_request_error keeping Gemini\'s message',
      status: 400,
      body: googleError(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified\n'),
      expected: {
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_argument',
        param: null,
        message: '* GenerateContentRequest.contents: contents is not specified\n',
      },
    },
    {
      name: 'API_KEY_INVALID → 401 authentication_error invalid_api_key',
      status: 400,
      body: apiKeyInvalid,
      expected: { status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'API key not valid. Please pass a valid API key.' },
    },
    {
      name: '401 UNAUTHENTICATED → 401 authentication_error invalid_api_key',
      status: 401,
      body: googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
      expected: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
    },
    {
      name: '403 PERMISSION_DENIED → 403 permission_error',
      status: 403,
      body: googleError(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers.'),
      expected: { status: 403, type: 'permission_error', code: 'permission_denied', message: 'Method doesn\'t allow unregistered callers.' },
    },
    {
      name: '404 NOT_FOUND → 404 model_not_found with param model',
      status: 404,
      body: googleError(404, 'NOT_FOUND', 'models/gemini-9 is not found for API version v1beta.'),
      expected: {
        status: 404,
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
        message: 'models/gemini-9 is not found for API version v1beta.',
      },
    },
    {
      name: '429 RESOURCE_EXHAUSTED from the recording → 429 rate_limit_error with Retry-After "35"',
      status: 429,
      body: loadRecordedJson('vercel-ai/google-429-retry-info.json'),
      expected: {
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        headers: { 'Retry-After': '35' },
        message: 'You exceeded your current quota, please check your plan.',
      },
    },
    {
      name: '500 INTERNAL → 500 api_error',
      status: 500,
      body: googleError(500, 'INTERNAL', 'An internal error has occurred.'),
      expected: { status: 500, type: 'api_error', code: 'internal', headers: {}, message: 'An internal error has occurred.' },
    },
    {
      name: '503 UNAVAILABLE → 503 api_error',
      status: 503,
      body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
      expected: { status: 503, type: 'api_error', code: 'unavailable', message: 'The model is overloaded. Please try again later.' },
    },
    {
      name: '504 DEADLINE_EXCEEDED → 504 api_error',
      status: 504,
      body: googleError(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'),
      expected: { status: 504, type: 'api_error', code: 'deadline_exceeded' },
    },
    {
      name: 'an array-wrapped body is read like a plain one',
      status: 503,
      body: [googleError(503, 'UNAVAILABLE', 'Service unavailable.')],
      expected: { status: 503, type: 'api_error', code: 'unavailable', message: 'Service unavailable.' },
    },
    {
      name: 'a non-JSON body → a message naming the status',
      status: 502,
      body: undefined,
      expected: { status: 502, type: 'api_error', code: null, message: 'Gemini answered HTTP 502.' },
    },
    {
      name: 'a token-limit message → code context_length_exceeded',
      status: 400,
      body: googleError(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'),
      expected: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
    },
    {
      name: 'a status outside 4xx/5xx → 502 api_error',
      status: 302,
      body: undefined,
      expected: { status: 502, type: 'api_error', message: 'Gemini answered HTTP 302.' },
    },
  ];
  it.each(cases)('$name', ({ status, body, expected }) => {
    const error = geminiErrorToSidecarError(status, parseGeminiErrorBody(body));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject(expected);
  });

  it('names the google.rpc status in the message when Gemini sent no message', () => {
    const error = geminiErrorToSidecarError(503, parseGeminiErrorBody({ error: { code: 503, status: 'UNAVAILABLE' } }));
    expect(error.message).toBe('Gemini answered HTTP 503 UNAVAILABLE.');
  });

  it('uses the upstream Retry-After header on a 429 without RetryInfo', () => {
    const error = geminiErrorToSidecarError(429, parseGeminiErrorBody(googleError(429, 'RESOURCE_EXHAUSTED', 'slow down')), '7');
    expect(error.headers).toEqual({ 'Retry-After': '7' });
  });

  it('sets no Retry-After outside 429', () => {
    const error = geminiErrorToSidecarError(503, parseGeminiErrorBody(googleError(503, 'UNAVAILABLE', 'busy')), '7');
    expect(error.headers).toEqual({});
  });
});

describe('parseGeminiErrorBody', () => {
  const cases = [
    { name: 'reads a plain error body', value: googleError(400, 'INVALID_ARGUMENT', 'bad'), expected: 'bad' },
    { name: 'reads an array-wrapped error body', value: [googleError(400, 'INVALID_ARGUMENT', 'bad')], expected: 'bad' },
    { name: 'returns undefined for a non-error object', value: { candidates: [] }, expected: undefined },
    { name: 'returns undefined for undefined', value: undefined, expected: undefined },
    { name: 'returns undefined for a string', value: '<html>Bad Gateway</html>', expected: undefined },
  ];
  it.each(cases)('$name', ({ value, expected }) => {
    expect(parseGeminiErrorBody(value)?.error.message ?? undefined).toBe(expected);
  });
});

describe('retryAfterSeconds', () => {
  const retryInfo = (retryDelay: unknown) =>
    parseGeminiErrorBody(googleError(429, 'RESOURCE_EXHAUSTED', 'x', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }]));
  const cases = [
    { name: 'rounds "34.4s" up to 35', body: retryInfo('34.4s'), expected: 35 },
    { name: 'keeps whole seconds "30s"', body: retryInfo('30s'), expected: 30 },
    { name: 'never returns less than 1 for "0s"', body: retryInfo('0s'), expected: 1 },
    { name: 'ignores a malformed delay', body: retryInfo('soon'), expected: undefined },
    { name: 'returns undefined without RetryInfo', body: parseGeminiErrorBody(googleError(429, 'RESOURCE_EXHAUSTED', 'x')), expected: undefined },
    { name: 'returns undefined without a body', body: undefined, expected: undefined },
    { name: 'reads the recording', body: parseGeminiErrorBody(loadRecordedJson('vercel-ai/google-429-retry-info.json')), expected: 35 },
  ];
  it.each(cases)('$name', ({ body, expected }) => {
    expect(retryAfterSeconds(body)).toBe(expected);
  });
});
