/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Provisions the system tools some suites run (prometheus, nginx, deck, helm, Python venvs) once, before any worker.
  globalSetup: '<rootDir>/test/tools/global-setup.ts',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^@sidecar/(.*)$': '<rootDir>/sidecar/$1' },
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/test/helpers/plain-summary-reporter.js'],
};
