import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * jest globalSetup: provisions the system tools the suites run (test/tools/provision-tools.sh), once per `npm test`,
 * before any worker starts. It never fails the run: a tool that could not be provisioned fails the tests needing it,
 * each naming the command to run (test/helpers/tool-paths.ts).
 */
export default async function provisionTools(): Promise<void> {
  const script = join(__dirname, 'provision-tools.sh');
  await new Promise<void>((done) => {
    const child = spawn('bash', [script, 'all'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => {
      process.stderr.write(`could not run ${script} (${error.message}): the tests needing system tools will fail\n`);
      done();
    });
    child.once('close', () => done());
  });
}
