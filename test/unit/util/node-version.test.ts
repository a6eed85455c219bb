import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REQUIRED_NODE_MAJOR, unsupportedNodeMessage } from '@sidecar/util/node-version';

describe('unsupportedNodeMessage', () => {
  it.each(['24.0.0', '24.21.0', '25.1.0', '26.0.0'])('accepts Node %s', (version) => {
    expect(unsupportedNodeMessage(version, '/usr/bin/node')).toBeUndefined();
  });

  it.each(['20.20.2', '22.19.0', '23.11.1', '18.0.0', 'garbage'])('refuses Node %s in one line naming both versions', (version) => {
    const message = unsupportedNodeMessage(version, '/usr/bin/node');
    expect(message).toBe(`openai-gemini-sidecar: needs Node.js 24 or newer, but /usr/bin/node is Node.js ${version}`);
  });

  it('requires the major of package.json engines.node', () => {
    const packageJson = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { engines: { node: string } };
    expect(packageJson.engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`);
  });
});
