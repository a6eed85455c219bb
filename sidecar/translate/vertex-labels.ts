/** The label rules of config `vertex.labels`. */
export interface VertexLabelRules {
  user?: string;
  safetyIdentifier?: string;
  metadata: readonly string[];
  headers: Readonly<Record<string, string>>;
  static: Readonly<Record<string, string>>;
}

/** What a request offers to label with. */
export interface VertexLabelSources {
  user?: unknown;
  safety_identifier?: unknown;
  metadata?: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Vertex allows at most 64 labels per request (https://cloud.google.com/vertex-ai/docs/general/labels). */
const MAX_LABELS = 64;

/** A label value as Vertex takes it: lowercase, characters outside [a-z0-9_-] as `_`, at most 63 (international letters kept). */
export function vertexLabelValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{Ll}\p{Lo}0-9_-]/gu, '_')
    .slice(0, 63);
}

/**
 * The labels of one call: static ones, then `user`, `safety_identifier`, `metadata` keys and headers as configured,
 * values made valid. `used` names the OpenAI params that became labels (so they are not reported as ignored).
 */
export function requestToVertexLabels(rules: VertexLabelRules, sources: VertexLabelSources): { labels: Record<string, string>; used: string[] } {
  const labels: Record<string, string> = { ...rules.static };
  const used = new Set<string>();
  const put = (key: string, value: unknown, param?: string) => {
    if (typeof value !== 'string' || Object.keys(labels).length >= MAX_LABELS) return;
    labels[key] = vertexLabelValue(value);
    if (param) used.add(param);
  };
  if (rules.user) put(rules.user, sources.user, 'user');
  if (rules.safetyIdentifier) put(rules.safetyIdentifier, sources.safety_identifier, 'safety_identifier');
  const metadata = typeof sources.metadata === 'object' && sources.metadata !== null ? (sources.metadata as Record<string, unknown>) : {};
  for (const key of rules.metadata) {
    const labelKey = key.toLowerCase();
    if (/^[a-z][a-z0-9_-]{0,62}$/.test(labelKey) && Object.hasOwn(metadata, key)) put(labelKey, metadata[key], 'metadata');
  }
  for (const [header, key] of Object.entries(rules.headers)) {
    const value = sources.headers[header.toLowerCase()];
    put(key, Array.isArray(value) ? value[0] : value);
  }
  return { labels, used: [...used] };
}
