import type { Response } from 'express';
import { ClientClosedError } from '../errors/sidecar-error';
import { renderOpenAIError } from '../errors/render-openai-error';
import type { GenAIOperation } from '../observability/genai-operation';
import type { TokenUsage } from '../spend/token-usage';
import type { AppDeps } from '../server/app-deps';
import { ShuttingDownError } from '../server/lifecycle';
import type { SseResponse } from '../streaming/sse-response';
import { describeRequest } from './request-context';

/**
 * Ends an SSE answer that failed after it started: a client that left (or was cut by the force stop) ends the
 * operation as cancelled and writes nothing; anything else is logged and sent as a final `data: {"error":…}` frame.
 * `usage` is what Gemini reported before the stream broke: those tokens are billed, so they still count as spend.
 */
export function endFailedStream(
  deps: Pick<AppDeps, 'lifecycle' | 'logger'>,
  res: Response,
  sse: SseResponse,
  operation: GenAIOperation,
  thrown: unknown,
  context: { signal: AbortSignal; model: string; usage?: TokenUsage },
): void {
  const error = deps.lifecycle.errorFor(thrown);
  const closed = !(error instanceof ShuttingDownError) && (error instanceof ClientClosedError || context.signal.aborted);
  operation.fail(closed ? new ClientClosedError() : error, context.usage);
  if (closed) {
    deps.logger.debug({ model: context.model }, 'client closed the stream; upstream aborted');
    return;
  }
  const rendered = renderOpenAIError(error);
  deps.logger.warn({ err: error, status: rendered.status, model: context.model }, 'stream failed after it started');
  describeRequest(res, { streamError: rendered.body.error.code ?? rendered.body.error.type });
  sse.fail(rendered.body);
}
