import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument, type YAMLMap } from 'yaml';
import { CHART_DIR } from './chart-tools';

/** The part of values.schema.json the checks walk. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
}

/** values.schema.json, parsed. */
export function valuesSchema(): SchemaNode {
  return JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as SchemaNode;
}

/** How values.yaml documents its keys. */
export interface ValuesDocumentation {
  /** Keys with a "-- " comment of their own (the rows of the chart README's table). */
  documented: string[];
  /** Keys without one that need it (see undocumentedValues). */
  missing: string[];
}

/**
 * Walks values.yaml along values.schema.json: at every level the schema defines (has `properties`), each key needs a
 * comment above it, unless it is a section (a map the schema defines) whose own keys have one. Free-form values
 * (resources, security contexts, lists) are covered by the comment on their key.
 */
export function valuesDocumentation(): ValuesDocumentation {
  const document = parseDocument(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
  const documented: string[] = [];
  const missing: string[] = [];
  const walk = (map: YAMLMap, schema: SchemaNode, path: string): void => {
    map.items.forEach((pair, index) => {
      const key = String((pair.key as { value?: unknown }).value);
      const keyPath = path ? `${path}.${key}` : key;
      const keySchema = schema.properties?.[key];
      if (!keySchema) return void missing.push(`${keyPath} (not in values.schema.json)`);
      // The comment above the first key of a nested map belongs to the map in the YAML tree.
      const comment = (pair.key as { commentBefore?: string | null }).commentBefore ?? (index === 0 ? map.commentBefore : undefined);
      if (comment && /(^|\n) ?-- /.test(comment)) return void documented.push(keyPath);
      if (isMap(pair.value) && keySchema.properties) return walk(pair.value, keySchema, keyPath);
      if (!comment) missing.push(keyPath);
    });
  };
  if (!isMap(document.contents)) throw new Error('values.yaml is not a mapping');
  walk(document.contents, valuesSchema(), '');
  return { documented, missing };
}

/** Keys of values.yaml that lack the comment they need (see valuesDocumentation). */
export function undocumentedValues(): string[] {
  return valuesDocumentation().missing;
}

/** Paths of every object in the schema that is defined (`properties`) but still accepts unknown keys. */
export function openObjects(schema: SchemaNode, path = ''): string[] {
  if (!schema.properties) return [];
  const here = schema.additionalProperties === false ? [] : [path || '(root)'];
  return [...here, ...Object.entries(schema.properties).flatMap(([key, child]) => openObjects(child, path ? `${path}.${key}` : key))];
}

/** Every key path (objects with `properties` descended into) of a JSON schema, e.g. "gemini.retry.maxAttempts". */
export function schemaKeyPaths(schema: SchemaNode, path = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const keyPath = path ? `${path}.${key}` : key;
    return child.properties ? [keyPath, ...schemaKeyPaths(child, keyPath)] : [keyPath];
  });
}
