/** An error answer in Google's `{"error":{code,message,status,details}}` shape. */
export interface GoogleErrorReply {
  status: number;
  body: { error: { code: number; message: string; status: string; details?: unknown[] } };
}

/** Builds a Google API error body; `details` is omitted when empty, as Google does. */
export function googleError(code: number, status: string, message: string, details: unknown[] = []): GoogleErrorReply {
  const error = details.length > 0 ? { code, message, status, details } : { code, message, status };
  return { status: code, body: { error } };
}

/** 400 INVALID_ARGUMENT with one google.rpc.BadRequest field violation per message. */
export function invalidArgument(messages: string[], fields: Array<string | undefined> = []): GoogleErrorReply {
  const fieldViolations = messages.map((description, index) =>
    fields[index] === undefined ? { description } : { field: fields[index], description },
  );
  return googleError(400, 'INVALID_ARGUMENT', messages.join('\n'), [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations },
  ]);
}

/**
 * 400 INVALID_ARGUMENT for semantic checks, as Google words them: one `* <Request>.<path>: <problem>` line each,
 * no details (e.g. `* GenerateContentRequest.contents: contents is not specified`).
 */
export function fieldViolationsError(messages: string[]): GoogleErrorReply {
  return googleError(400, 'INVALID_ARGUMENT', messages.map((message) => `* ${message}\n`).join(''));
}

/** 403 returned when no API key is sent at all. */
export function missingApiKeyError(): GoogleErrorReply {
  return googleError(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API key or other form of API consumer identity to call this API.",
  );
}

/** 400 API_KEY_INVALID, as Google answers a wrong key (not 401). */
export function invalidApiKeyError(): GoogleErrorReply {
  const message = 'API key not valid. Please pass a valid API key.';
  return googleError(400, 'INVALID_ARGUMENT', message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

/** 404 for a model id Google does not know. */
export function modelNotFoundError(model: string, version: string, method: string): GoogleErrorReply {
  const message = `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
  return googleError(404, 'NOT_FOUND', message);
}

/** 404 for any path the emulator does not serve. */
export function pathNotFoundError(path: string): GoogleErrorReply {
  return googleError(404, 'NOT_FOUND', `Method not found: ${path}`);
}

/** 429 shaped like vercel-ai/google-429-retry-info.json, for scripts. */
export function quotaExceededError(retryDelay = '34.4s'): GoogleErrorReply {
  return googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan.', [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
  ]);
}
