/**
 * `npm run test:cluster`: the cluster suite (test/cluster/*.cluster.ts) against a real single-node Kubernetes, the
 * project's image built by docker and the chart installed by helm. Its globalSetup builds or reuses the lab under
 * ~/.cache/openai-gemini-sidecar/cluster and starts it (or uses the cluster KUBECONFIG names); the globalTeardown
 * stops every process it started. One test file at a time: they share the cluster.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.ts'],
  globalSetup: '<rootDir>/test/cluster/cluster-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/cluster-teardown.ts',
  maxWorkers: 1,
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^@sidecar/(.*)$': '<rootDir>/sidecar/$1' },
  testTimeout: 240000,
  reporters: ['default', '<rootDir>/test/helpers/plain-summary-reporter.js'],
};
