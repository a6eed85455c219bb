import type { Request, Response } from 'express';
import type { AppDeps } from '../server/app-deps';
import { requestToVertexLabels } from '../translate/vertex-labels';

/**
 * The Vertex labels of a generate call (config `vertex.labels`), and the OpenAI params they used; nothing on the
 * Developer API, which has no labels. Header labels are read only from requests the consumer middleware found to come
 * from the trusted ingress (the same rule as the spend metrics), so a caller cannot pick the Cloud Billing label.
 */
export function vertexLabelsFor(
  deps: Pick<AppDeps, 'config' | 'gemini'>,
  req: Request,
  res: Response,
  request: { user?: unknown; safety_identifier?: unknown; metadata?: unknown },
): { labels?: Record<string, string>; used: string[] } {
  if (deps.gemini.backend?.name !== 'vertex') return { used: [] };
  const { labels, used } = requestToVertexLabels(deps.config.vertex.labels, { ...request, headers: res.locals.fromIngress === true ? withoutHeader(req.headers, deps.config.consumers.ingressSecretHeader) : {} });
  return Object.keys(labels).length > 0 ? { labels, used } : { used };
}

/** The request's headers without the ingress secret, whatever header name carries it (never a label value). */
function withoutHeader(headers: Request['headers'], name: string): Request['headers'] {
  const { [name]: _secret, ...rest } = headers;
  return rest;
}
