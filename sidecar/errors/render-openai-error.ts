import { SidecarError } from './sidecar-error';

/** The OpenAI error envelope. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** What the HTTP layer sends for an error. */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: OpenAIErrorBody;
}

/** The one renderer: every thrown value → status, headers and `{error:{message,type,param,code}}`. */
export function renderOpenAIError(error: unknown): RenderedError {
  if (error instanceof SidecarError) {
    return {
      status: error.status,
      headers: error.headers,
      body: { error: { message: error.message, type: error.type, param: error.param, code: error.code } },
    };
  }
  return {
    status: 500,
    headers: {},
    body: {
      error: {
        message: 'The sidecar failed while handling the request; see its logs.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      },
    },
  };
}
