/** The oldest Node.js major the sidecar runs on: package.json engines.node (">=24"); undici 8 fails on older ones. */
export const REQUIRED_NODE_MAJOR = 24;

/** The one line to print when Node `version` (process.versions.node) is older than REQUIRED_NODE_MAJOR, else undefined. */
export function unsupportedNodeMessage(version: string, execPath: string): string | undefined {
  const major = Number(version.split('.')[0]);
  if (Number.isInteger(major) && major >= REQUIRED_NODE_MAJOR) return undefined;
  return `openai-gemini-sidecar: needs Node.js ${REQUIRED_NODE_MAJOR} or newer, but ${execPath} is Node.js ${version}`;
}
