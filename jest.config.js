/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^@sidecar/(.*)$': '<rootDir>/sidecar/$1' },
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/test/helpers/plain-summary-reporter.js'],
};
