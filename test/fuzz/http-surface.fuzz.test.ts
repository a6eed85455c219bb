import { HTTP_PROPERTIES } from './http-properties';
import { CI_RUNS, runsFromEnv } from './properties';

// Each run is a real request through the app to the emulator, so CI runs fewer than for the translators.
const runs = runsFromEnv('FUZZ_HTTP_RUNS', runsFromEnv('FUZZ_RUNS', CI_RUNS.http));

describe('HTTP surface properties', () => {
  it.each(HTTP_PROPERTIES.map((property) => [property.name, property] as const))(
    '%s: only OpenAI-shaped 4xx or Gemini-derived errors, never a crash or a hang',
    async (_name, property) => {
      const outcome = await property.run(runs);
      if (outcome.report !== null) throw new Error(outcome.report);
      if (property.mustAccept) expect(outcome.accepted).toBeGreaterThan(0);
    },
    Math.max(120_000, runs * 50),
  );
});
