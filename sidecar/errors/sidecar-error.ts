/** OpenAI error `type` values the sidecar emits. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'server_error';

/** Fields shared by every error the sidecar turns into an OpenAI error body. */
export interface SidecarErrorInit {
  status: number;
  type: OpenAIErrorType;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Base of the one error hierarchy: everything thrown on purpose carries its HTTP status and OpenAI fields. */
export class SidecarError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(message: string, init: SidecarErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.type = init.type;
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.headers = init.headers ?? {};
  }
}

/** 400: the request cannot be served as sent; `param` names the offending field. */
export class InvalidRequestError extends SidecarError {
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(message, { status: 400, type: 'invalid_request_error', param, code });
  }
}

/** 401: no usable credential. */
export class AuthenticationError extends SidecarError {
  constructor(message: string, code = 'missing_api_key') {
    super(message, { status: 401, type: 'authentication_error', code });
  }
}

/** 404: unknown URL. */
export class NotFoundError extends SidecarError {
  constructor(message: string, code = 'unknown_url') {
    super(message, { status: 404, type: 'invalid_request_error', code });
  }
}

/** 405: known URL, wrong method. */
export class MethodNotAllowedError extends SidecarError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(`Method ${method} is not allowed on ${path}. Allowed: ${allowed.join(', ')}.`, {
      status: 405,
      type: 'invalid_request_error',
      code: 'method_not_allowed',
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** 413: body over the configured limit. */
export class PayloadTooLargeError extends SidecarError {
  constructor(limitBytes: number) {
    super(`Request body is larger than the limit of ${limitBytes} bytes.`, {
      status: 413,
      type: 'invalid_request_error',
      code: 'request_too_large',
    });
  }
}

/** 414: URL over the configured limit. */
export class UriTooLongError extends SidecarError {
  constructor(limitBytes: number) {
    super(`Request URL is longer than the limit of ${limitBytes} bytes.`, { status: 414, type: 'invalid_request_error', code: 'uri_too_long' });
  }
}

/** An error answer from Gemini, already mapped to an OpenAI status and type. */
export class UpstreamError extends SidecarError {
  /** The exact delay Google asked for (RetryInfo), when it gave one; Retry-After carries it rounded up to seconds. */
  retryAfterMs?: number;
}

/** 502: Gemini could not be reached or answered something that is not the Gemini API. */
export class UpstreamUnreachableError extends SidecarError {
  constructor(message: string, code = 'upstream_unreachable', cause?: unknown) {
    super(message, { status: 502, type: 'api_error', code, cause });
  }
}

/** 504: Gemini did not answer in time. */
export class UpstreamTimeoutError extends SidecarError {
  constructor(message: string, cause?: unknown) {
    super(message, { status: 504, type: 'api_error', code: 'upstream_timeout', cause });
  }
}

/** The caller went away; nothing is sent back. */
export class ClientClosedError extends Error {
  constructor() {
    super('Client closed the connection');
    this.name = 'ClientClosedError';
  }
}
