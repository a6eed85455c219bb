/** Vertex AI base URL for a location, as Google's Gen AI SDKs pick it (js-genai `_api_client.ts`). */
export function vertexBaseUrl(location: string, express: boolean): string {
  // There is no global-aiplatform host; `global` and express-mode keys use the bare one.
  if (express || location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

/** Where a Vertex call goes: project and location (ADC), or neither (express-mode API key). */
export interface VertexTarget {
  apiVersion: string;
  /** Undefined in express mode. */
  project: string | undefined;
  location: string;
}

/**
 * A Developer-API path on Vertex. Model calls go under `projects/{p}/locations/{l}/publishers/google/models/` (express
 * mode: `publishers/google/models/` alone); base-model get and list reject that prefix and live under v1beta1
 * (js-genai `shouldPrependVertexProjectPath`). Ids already naming a resource (`projects/…`, `publishers/…`) keep it.
 */
export function vertexPath(relative: string, target: VertexTarget): string {
  const scope = target.project === undefined ? '' : `projects/${target.project}/locations/${target.location}/`;
  const listing = /^models(\?.*)?$/.exec(relative);
  if (listing) return `/v1beta1/publishers/google/models${listing[1] ?? ''}`;
  const getting = /^models\/([^:?]+)$/.exec(relative);
  if (getting) return `/v1beta1/${modelResource(getting[1]!)}`;
  const call = /^models\/([^:?]+)(:.*)$/.exec(relative);
  if (call) {
    const resource = modelResource(call[1]!);
    return `/${target.apiVersion}/${resource.startsWith('projects/') ? '' : scope}${resource}${call[2]}`;
  }
  return `/${target.apiVersion}/${scope}${relative}`;
}

function modelResource(model: string): string {
  const decoded = decodeURIComponent(model);
  if (decoded.startsWith('projects/') || decoded.startsWith('publishers/')) return decoded;
  return `publishers/google/models/${model}`;
}
