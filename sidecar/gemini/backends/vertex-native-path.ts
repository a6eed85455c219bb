/** Where a native call goes on Vertex, or the Developer API feature it needs that Vertex lacks. */
export type VertexNativeTarget = { path: string } | { unsupported: string };

/** The parts of a Vertex backend a native path is rewritten with. */
export interface VertexNativeScope {
  /** Developer-API path → Vertex path (the backend's `path`). */
  path(relative: string): string;
  project: string | undefined;
  location: string;
  /** The base URL's own path prefix ('' or '/vertex'). */
  prefix: string;
}

const DEVELOPER_MODEL_PATH = /^\/(?:v1|v1beta)\/(models(?:\/.*)?)$/;
const FILES_PATH = /^\/(upload\/)?v1beta\/files(\/|$)/;
const CACHES_PATH = /^\/v1beta\/cachedContents(\/|$)/;
const VERTEX_SCOPED_PATH = /^\/(v1|v1beta1)\/projects\/[^/]+\/locations\/[^/]+\/(.+)$/;
const VERTEX_PUBLISHER_PATH = /^\/(v1|v1beta1)\/publishers\/.+$/;

/**
 * A native Gemini path as Google's SDKs send it, on Vertex: Developer-API model paths (an SDK in Developer-API mode
 * pointed at the sidecar) become their Vertex paths; Vertex paths (an SDK in Vertex mode) keep their shape but get
 * the sidecar's project and location, since they are called with the sidecar's credentials. Files API and
 * Developer-API caches have no Vertex counterpart at those paths.
 */
export function nativePathToVertex(pathname: string, search: string, scope: VertexNativeScope): VertexNativeTarget {
  if (FILES_PATH.test(pathname)) return { unsupported: 'The Gemini Files API (files/…)' };
  if (CACHES_PATH.test(pathname)) return { unsupported: 'Developer-API cachedContents (Vertex keeps caches under projects/{project}/locations/{location}/cachedContents)' };
  const developer = DEVELOPER_MODEL_PATH.exec(pathname);
  if (developer) return { path: scope.path(`${developer[1]}${search}`) };
  const scoped = VERTEX_SCOPED_PATH.exec(pathname);
  if (scoped && scope.project !== undefined) return { path: `${scope.prefix}/${scoped[1]}/projects/${scope.project}/locations/${scope.location}/${scoped[2]}${search}` };
  if (VERTEX_PUBLISHER_PATH.test(pathname)) return { path: `${scope.prefix}${pathname}${search}` };
  return { unsupported: `The path ${pathname}` };
}
