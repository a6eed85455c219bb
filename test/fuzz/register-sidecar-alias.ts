import { registerHooks } from 'node:module';
import path from 'node:path';

/**
 * tsc keeps the `@sidecar/*` path alias (jest resolves it with moduleNameMapper), so the compiled fuzz script maps it
 * onto the compiled `sidecar/` folder itself. Imported first by run-fuzz.ts, before anything that uses the alias.
 */
const SIDECAR_DIR = path.resolve(__dirname, '../../sidecar');
const PREFIX = '@sidecar/';

registerHooks({
  resolve: (specifier, context, nextResolve) =>
    nextResolve(specifier.startsWith(PREFIX) ? path.join(SIDECAR_DIR, specifier.slice(PREFIX.length)) : specifier, context),
});
