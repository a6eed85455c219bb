import type { Request, Response } from 'express';
import type { AppDeps } from '../server/app-deps';

/** Response header listing request parameters that were accepted but not sent to Gemini. */
export const IGNORED_PARAMS_HEADER = 'x-sidecar-ignored-params';

/** Logs and advertises parameters a route accepted but did not send on. */
export function reportIgnoredParams(deps: Pick<AppDeps, 'logger'>, res: Response, model: string, ignored: readonly string[]): void {
  if (ignored.length === 0) return;
  deps.logger.warn({ ignoredParams: ignored, model }, 'request parameters ignored');
  res.setHeader(IGNORED_PARAMS_HEADER, ignored.join(', '));
}

/** Aborts the upstream call as soon as the client disconnects before the answer is fully written. */
export function abortOnClientClose(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  req.on('aborted', () => controller.abort());
  return controller.signal;
}
