import './register-sidecar-alias';
import { parseArgs } from 'node:util';
import { HTTP_PROPERTIES } from './http-properties';
import { runsFromEnv, TRANSLATOR_PROPERTIES, type FuzzOutcome } from './properties';

/** Defaults of the long run: translators are cheap, each HTTP run is a real request through the app. */
const LONG_RUNS = { translator: 100_000, http: 2_000 };

const USAGE = `Usage: npm run fuzz -- [--runs N] [--http-runs N] [--only TEXT]
  --runs       runs per translator property (env FUZZ_RUNS, default ${LONG_RUNS.translator})
  --http-runs  runs per HTTP property (env FUZZ_HTTP_RUNS, default ${LONG_RUNS.http})
  --only       run only the properties whose name contains TEXT (env FUZZ_ONLY)
FUZZ_SEED and FUZZ_PATH replay a counterexample printed by an earlier run.`;

function positive(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`Expected a positive integer, got '${value}'.\n${USAGE}`);
  return number;
}

function line(outcome: FuzzOutcome): string {
  const share = outcome.numRuns > 0 ? Math.round((100 * outcome.accepted) / outcome.numRuns) : 0;
  const verdict = outcome.failed ? 'FAIL' : 'ok  ';
  const runs = `${String(outcome.numRuns).padStart(8)} runs`;
  return `${verdict} ${outcome.name.padEnd(40)} ${runs} ${String(share).padStart(3)}% accepted ${outcome.seconds.toFixed(1).padStart(7)} s`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, 'http-runs': { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = {
    translator: positive(values.runs, runsFromEnv('FUZZ_RUNS', LONG_RUNS.translator)),
    http: positive(values['http-runs'], runsFromEnv('FUZZ_HTTP_RUNS', LONG_RUNS.http)),
  };
  const only = values.only ?? process.env.FUZZ_ONLY ?? '';
  const selected = [...TRANSLATOR_PROPERTIES, ...HTTP_PROPERTIES].filter((property) => property.name.includes(only));
  console.log(`fuzzing ${selected.length} properties: ${runs.translator} runs each (translators), ${runs.http} (HTTP)`);
  const failures: FuzzOutcome[] = [];
  for (const property of selected) {
    const outcome = await property.run(runs[property.kind]);
    console.log(line(outcome));
    if (outcome.failed) failures.push(outcome);
  }
  for (const failure of failures) console.log(`\n=== ${failure.name}\n${failure.report}`);
  console.log(failures.length === 0 ? '\nno counterexample found' : `\n${failures.length} properties failed`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
