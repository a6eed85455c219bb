import type { AccessTokens } from './access-tokens';
import type { GeminiBackend } from './gemini-backend';
import { developerBodyToVertex } from './vertex-body';
import { nativePathToVertex, type VertexNativeTarget } from './vertex-native-path';
import { vertexBaseUrl, vertexPath } from './vertex-endpoint';
import { UpstreamUnreachableError } from '../../errors/sidecar-error';

/** Settings of the Vertex backend (config `vertex`, project resolved from the credentials when unset). */
export interface VertexBackendOptions {
  apiVersion: string;
  location: string;
  baseUrl?: string;
  /** OAuth tokens (ADC); undefined in express mode (API key). */
  tokens?: AccessTokens;
}

/** Vertex AI: same request bodies but a few, project/location paths, OAuth bearer tokens or an express-mode key. */
export class VertexBackend implements GeminiBackend {
  readonly name = 'vertex';
  readonly provider = 'gcp.vertex_ai';
  readonly baseUrl: string;
  readonly tokens: AccessTokens | undefined;
  /** Set from config, or by `resolveProject` before the sidecar turns ready. */
  project: string | undefined;

  constructor(
    private readonly options: VertexBackendOptions,
    project: string | undefined,
  ) {
    this.tokens = options.tokens;
    this.project = project;
    this.baseUrl = (options.baseUrl ?? vertexBaseUrl(options.location, !options.tokens)).replace(/\/+$/, '');
  }

  path(relative: string): string {
    if (this.tokens && this.project === undefined) {
      throw new UpstreamUnreachableError('The Vertex AI project is not known yet (set GOOGLE_CLOUD_PROJECT, or wait for the credentials).', 'upstream_credentials_unavailable');
    }
    const pathname = new URL(this.baseUrl).pathname.replace(/\/+$/, '');
    return `${pathname}${vertexPath(relative, { apiVersion: this.options.apiVersion, project: this.project, location: this.options.location })}`;
  }

  /** A native (passthrough) path on Vertex, or the feature it needs that Vertex lacks. */
  nativePath(pathname: string, search: string): VertexNativeTarget {
    const prefix = new URL(this.baseUrl).pathname.replace(/\/+$/, '');
    return nativePathToVertex(pathname, search, { path: (relative) => this.path(relative), project: this.project, location: this.options.location, prefix });
  }

  adaptBody(method: string, body: unknown, labels?: Record<string, string>): unknown {
    const adapted = developerBodyToVertex(method, body);
    const generate = method === 'generateContent' || method === 'streamGenerateContent';
    return generate && labels && typeof adapted === 'object' && adapted !== null ? { ...adapted, labels } : adapted;
  }

  /** Fills in the project from the credentials when the config named none. */
  async resolveProject(): Promise<string | undefined> {
    if (this.project === undefined && this.tokens) this.project = await this.tokens.projectId();
    return this.project;
  }
}
