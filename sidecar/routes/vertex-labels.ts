import type { Request } from 'express';
import type { AppDeps } from '../server/app-deps';
import { requestToVertexLabels } from '../translate/vertex-labels';

/**
 * The Vertex labels of a generate call (config `vertex.labels`), and the OpenAI params they used; nothing on the
 * Developer API, which has no labels.
 */
export function vertexLabelsFor(
  deps: Pick<AppDeps, 'config' | 'gemini'>,
  req: Request,
  request: { user?: unknown; safety_identifier?: unknown; metadata?: unknown },
): { labels?: Record<string, string>; used: string[] } {
  if (deps.gemini.backend?.name !== 'vertex') return { used: [] };
  const { labels, used } = requestToVertexLabels(deps.config.vertex.labels, { ...request, headers: req.headers });
  return Object.keys(labels).length > 0 ? { labels, used } : { used };
}
