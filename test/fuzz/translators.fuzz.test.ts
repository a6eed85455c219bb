import { CI_RUNS, runsFromEnv, TRANSLATOR_PROPERTIES } from './properties';

// Few runs per property in CI; FUZZ_RUNS=… (or `npm run fuzz`) for a long run, FUZZ_SEED/FUZZ_PATH to replay a failure.
const runs = runsFromEnv('FUZZ_RUNS', CI_RUNS.translator);

describe('translator properties', () => {
  it.each(TRANSLATOR_PROPERTIES.map((property) => [property.name, property] as const))(
    '%s',
    async (_name, property) => {
      const outcome = await property.run(runs);
      if (outcome.report !== null) throw new Error(outcome.report);
      if (property.mustAccept) expect(outcome.accepted).toBeGreaterThan(0);
    },
    Math.max(20_000, runs),
  );
});
