import type { ErrorRequestHandler } from 'express';
import { renderOpenAIError } from '../errors/render-openai-error';
import { ClientClosedError, InvalidRequestError, PayloadTooLargeError, SidecarError } from '../errors/sidecar-error';
import type { Logger } from '../observability/logger';

interface HttpLayerError {
  type?: unknown;
  status?: unknown;
  limit?: number;
}

/** body-parser's and Express's own 4xx errors → the sidecar's hierarchy (https://github.com/expressjs/body-parser#errors). */
function fromBodyParser(error: unknown): unknown {
  if (error instanceof SidecarError) return error;
  const { type, status, limit } = (error ?? {}) as HttpLayerError;
  if (type === 'entity.too.large') return new PayloadTooLargeError(limit ?? 0);
  if (type === 'entity.parse.failed') {
    return new InvalidRequestError('The request body is not valid JSON.', null, 'invalid_json');
  }
  // body-parser (bad Content-Encoding, charset) and Express (undecodable %-escapes in the path) throw 4xx errors.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const what = typeof type === 'string' ? type : error instanceof URIError ? 'the URL is not valid percent-encoding' : 'unreadable';
    return new SidecarError(`The request could not be read (${what}).`, { status, type: 'invalid_request_error', code: 'invalid_body' });
  }
  return error;
}

/** Last middleware: every error leaves as one OpenAI-shaped JSON body. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof ClientClosedError) {
      logger.debug({ path: req.path }, 'client closed the connection; upstream call aborted');
      return;
    }
    const rendered = renderOpenAIError(fromBodyParser(error));
    if (rendered.status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    else logger.debug({ status: rendered.status, code: rendered.body.error.code, path: req.path }, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(rendered.status).set(rendered.headers).json(rendered.body);
  };
}
