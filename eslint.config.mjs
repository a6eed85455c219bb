// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'jest.config.js', 'jest.cluster.config.js', 'test/helpers/*.js', 'test/helpers/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // translate/ is the pure core: plain objects in, plain objects out, no I/O and no edges.
    files: ['sidecar/translate/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'translate/ is pure: no Node built-ins.' },
            { group: ['express', 'undici', 'pino', 'yaml'], message: 'translate/ is pure: no HTTP, logging or file formats.' },
            { group: ['**/gemini/*', '**/config/*', '**/observability/*', '**/server/*', '**/routes/*', '**/streaming/*'], message: 'translate/ must not depend on the edges.' },
          ],
        },
      ],
    },
  },
  {
    // process.env is read in one place only.
    files: ['sidecar/**/*.ts'],
    // instrumentation.ts runs before config is loaded and only reads the standard OTEL_* variables.
    ignores: ['sidecar/config/**', 'sidecar/observability/instrumentation.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through sidecar/config only.' }],
    },
  },
);
