// Validates custom resources with the @kubernetes-models packages, two ways:
//   1. their ajv validators (generated from the operators' Go types): types, enums, patterns, required fields;
//   2. their TypeScript interfaces: each object becomes an object literal typed as the model's interface, and the
//      compiler's excess-property check rejects unknown fields at any depth (what kubeconform -strict does).
// stdin: {"objects": [{"source", "object"}]}; stdout: [{"source", "kind", "name", "status", "message"}].
// ESM, so it runs in its own node process (jest loads test files as CommonJS).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { PodMonitor, PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const MODELS = {
  'monitoring.coreos.com/v1/PodMonitor': { Model: PodMonitor, module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor' },
  'monitoring.coreos.com/v1/PrometheusRule': { Model: PrometheusRule, module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule' },
  'monitoring.coreos.com/v1/ServiceMonitor': { Model: ServiceMonitor, module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor' },
  'gateway.networking.k8s.io/v1/HTTPRoute': { Model: HTTPRoute, module: '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute' },
};

/** TypeScript diagnostics per object index: one `export const` per line, so a diagnostic's line names its object. */
function typeErrors(entries) {
  // Inside the repository, so that module resolution finds node_modules.
  const directory = join(REPOSITORY_ROOT, 'node_modules/.cache/openai-gemini-sidecar-chart');
  const file = join(directory, `crds-${process.pid}.mts`);
  const imports = [...new Set(entries.map(({ model }) => model.module))];
  const header = imports.map((module, index) => `import type { I${module.split('/').pop()} as T${index} } from '${module}';`);
  const lines = entries.map(({ object, model }, index) => `export const o${index}: T${imports.indexOf(model.module)} = ${JSON.stringify(object)};`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(file, [...header, ...lines].join('\n'));
  try {
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, types: [],
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    });
    const errors = new Map();
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1;
      const index = line - header.length;
      if (index < 0) throw new Error(`type check of the models failed: ${message}`);
      errors.set(index, [...(errors.get(index) ?? []), message]);
    }
    return errors;
  } finally {
    rmSync(file, { force: true });
  }
}

const request = JSON.parse(await text(process.stdin));
const entries = request.objects
  .map(({ source, object }) => ({ source, object, model: MODELS[`${object.apiVersion}/${object.kind}`] }))
  .filter(({ model }) => model);
const typeErrorsByEntry = entries.length > 0 ? typeErrors(entries) : new Map();
const results = request.objects.map(({ source, object }) => {
  const result = { source, kind: object.kind, name: object.metadata?.name };
  const index = entries.findIndex((entry) => entry.object === object);
  if (index < 0) return { ...result, status: 'no-schema' };
  const problems = [...(typeErrorsByEntry.get(index) ?? [])];
  try {
    new entries[index].model.Model(object).validate();
  } catch (error) {
    problems.unshift(error instanceof Error ? error.message : String(error));
  }
  return problems.length > 0 ? { ...result, status: 'failed', message: problems.join('; ') } : { ...result, status: 'passed' };
});
process.stdout.write(JSON.stringify(results));
