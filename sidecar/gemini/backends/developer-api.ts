import type { GeminiBackend } from './gemini-backend';

/** The Gemini Developer API (generativelanguage.googleapis.com): paths as they are, keys in x-goog-api-key. */
export function developerApiBackend(options: { baseUrl: string; apiVersion: string }): GeminiBackend {
  const base = new URL(options.baseUrl);
  const prefix = `${base.pathname.replace(/\/+$/, '')}/${options.apiVersion}`;
  return {
    name: 'developer-api',
    provider: 'gcp.gemini',
    baseUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}`,
    path: (relative) => `${prefix}/${relative}`,
    adaptBody: (_method, body) => body,
  };
}
