import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The sidecar's version from its package.json, found by walking up from this file (works from src and dist). */
export function sidecarVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'openai-gemini-sidecar') return manifest.version ?? 'unknown';
  }
  return 'unknown';
}
