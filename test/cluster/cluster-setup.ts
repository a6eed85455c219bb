import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import clusterTeardown from './cluster-teardown';

/**
 * The cluster suite's globalSetup. Without KUBECONFIG: builds or reuses the lab (test/cluster/build-lab.sh), builds
 * the images (lab-images.sh build: the project's Dockerfile with docker), starts the cluster (up.sh) and points
 * KUBECONFIG at it for the test workers; each step's time goes to the output. With KUBECONFIG set: that cluster is
 * used as it is, and it must already hold the images lab-images.sh names (the suite loads nothing into it).
 * A failing step fails the run with its output; cluster-teardown.ts stops what was started either way.
 */
function step(script: string, args: string[]): Promise<string> {
  const path = join(__dirname, script);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (part: Buffer) => {
      stdout += part.toString();
      process.stderr.write(part);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      process.stderr.write(`[cluster] ${script} ${args.join(' ')}: ${Math.round((Date.now() - started) / 1000)} s\n`);
      if (code === 0) resolve(stdout);
      else reject(new Error(`bash ${path} ${args.join(' ')} exited ${code}`));
    });
  });
}

export default async function clusterSetup(): Promise<void> {
  if (process.env.KUBECONFIG) {
    if (!existsSync(process.env.KUBECONFIG)) throw new Error(`KUBECONFIG=${process.env.KUBECONFIG} does not exist`);
    process.stderr.write(`[cluster] using the cluster of KUBECONFIG=${process.env.KUBECONFIG}\n`);
    return;
  }
  process.env.CLUSTER_SUITE_STARTED_LAB = '1';
  await step('build-lab.sh', []);
  try {
    await step('lab-images.sh', ['build']);
    const lines = (await step('up.sh', [])).trim().split('\n');
    process.env.KUBECONFIG = lines.at(-1);
  } catch (error) {
    // jest runs no globalTeardown after a failed globalSetup: stop what was started here.
    clusterTeardown();
    throw error;
  }
}
