import type { Request, Response } from 'express';
import type { AppDeps } from '../server/app-deps';
import type { Consumer } from '../spend/consumer-identity';

/** Response header listing request parameters that were accepted but not sent to Gemini. */
export const IGNORED_PARAMS_HEADER = 'x-sidecar-ignored-params';

/** The consumer id the identity middleware (server/consumer-middleware.ts) found for this request. */
export function consumerOf(res: Response): string {
  return (res.locals.consumer as Consumer | undefined)?.id ?? 'anonymous';
}

/** Fields a route adds to the request's access-log line (model, stream, tokens, finish reasons ...). */
export interface RequestDescription {
  model?: string;
  stream?: boolean;
  finishReasons?: readonly string[];
  usage?: { prompt_tokens: number; completion_tokens?: number; total_tokens: number };
  streamError?: string;
}

/** Adds fields to the access-log line of this request. */
export function describeRequest(res: Response, description: RequestDescription): void {
  res.locals.description = { ...(res.locals.description as RequestDescription | undefined), ...description };
}

/**
 * Logs, counts and advertises parameters a route accepted but did not send on. The metric label is the parameter's
 * path with indexes removed; caller-invented names (unknown keys) all count as `unknown`, so the label stays bounded.
 */
export function reportIgnoredParams(
  deps: Pick<AppDeps, 'logger' | 'metrics'>,
  res: Response,
  model: string,
  unknownKeys: readonly string[],
  warnings: readonly string[],
): void {
  const ignored = [...unknownKeys, ...warnings];
  if (ignored.length === 0) return;
  deps.logger.warn({ ignoredParams: ignored, model }, 'request parameters ignored');
  res.setHeader(IGNORED_PARAMS_HEADER, ignored.join(', '));
  for (const _key of unknownKeys) deps.metrics.ignoredParams.inc({ param: 'unknown' });
  for (const param of warnings) deps.metrics.ignoredParams.inc({ param: ignoredParamLabel(param) });
}

/** Counts and logs the history turns that went to Gemini with the dummy thought signature (chat and Responses alike). */
export function reportDummySignatures(deps: Pick<AppDeps, 'logger' | 'metrics'>, model: string, count: number): void {
  if (count === 0) return;
  deps.metrics.dummySignatures.inc(count);
  deps.logger.info({ model, count }, 'history lacked thought signatures; dummy sent');
}

function ignoredParamLabel(param: string): string {
  if (/^(extra_body|google)\./.test(param)) return 'extra_body.google';
  return param.replace(/\[\d+\]/g, '[]');
}

/**
 * Aborts the upstream call as soon as the client disconnects before the answer is fully written, or when one of
 * `also` aborts (shutdown's force stop). Listeners on `also` are removed when the response closes, so a long-lived
 * signal does not collect one per request; cheaper than AbortSignal.any, which tracks its sources with weak refs.
 */
export function abortOnClientClose(req: Request, res: Response, also?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (also?.aborted) controller.abort();
  else also?.addEventListener('abort', abort, { once: true });
  res.once('close', () => {
    also?.removeEventListener('abort', abort);
    if (!res.writableFinished) controller.abort();
  });
  req.once('aborted', abort);
  return controller.signal;
}
