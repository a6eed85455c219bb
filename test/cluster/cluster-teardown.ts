import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Stops the lab the globalSetup started (every process, by pid; test/cluster/down.sh); a user's cluster is left alone. */
export default function clusterTeardown(): void {
  if (process.env.CLUSTER_SUITE_STARTED_LAB !== '1') return;
  if (process.env.CLUSTER_KEEP_LAB === '1') {
    process.stderr.write('[cluster] CLUSTER_KEEP_LAB=1: the lab keeps running; stop it with bash test/cluster/down.sh\n');
    return;
  }
  spawnSync('bash', [join(__dirname, 'down.sh')], { stdio: 'inherit' });
}
