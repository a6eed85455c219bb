import type { CapabilityRow, ModelCapabilities, ResolvedCapabilities } from './capability-types';
import { MODEL_CAPABILITY_TABLE, UNKNOWN_MODEL_CAPABILITIES } from './model-capability-table';

export type { ModelCapabilities, ResolvedCapabilities } from './capability-types';

/** `gemini-<version>-<tier>…`: the parts of an id that decide its nearest known family. */
interface IdShape {
  version: number;
  tier: string;
  kind: string;
}

const ID_SHAPE = /^gemini-(\d+(?:\.\d+)?)-([a-z]+(?:-lite)?)/;

function kindOf(id: string): string {
  if (/-tts/.test(id)) return 'tts';
  if (/-live|native-audio/.test(id)) return 'live';
  if (/-image/.test(id)) return 'image';
  return 'text';
}

function shapeOf(id: string): IdShape | undefined {
  const match = ID_SHAPE.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  return { version: Number(match[1]), tier: match[2], kind: kindOf(id) };
}

/** Globs come from the built-in table and the operator's config: a fixed set, each compiled once. */
const compiledGlobs = new Map<string, RegExp>();

/** `*` matches any run of characters; everything else literally. */
export function globMatches(glob: string, id: string): boolean {
  let compiled = compiledGlobs.get(glob);
  if (!compiled) {
    const pattern = glob.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    compiled = new RegExp(`^${pattern}$`);
    compiledGlobs.set(glob, compiled);
  }
  return compiled.test(id);
}

function withoutMatch(row: CapabilityRow): ModelCapabilities {
  const { match: _match, ...capabilities } = row;
  return capabilities;
}

/**
 * The closest known family for an id no row covers: same kind (text, image, tts, live) and tier (pro, flash,
 * flash-lite, argon …) at the highest version not above the id's, else the same kind at the highest version not above
 * it, else the lowest version above it. `gemini-3.9-flash` behaves like 3.8 Flash, `gemini-5-pro` like the newest Pro.
 */
function nearestRow(shape: IdShape, rows: readonly CapabilityRow[]): CapabilityRow | undefined {
  const shaped = rows.flatMap((candidate) => {
    const candidateShape = shapeOf(candidate.family);
    return candidateShape && candidateShape.kind === shape.kind && candidate.status !== 'shut-down' ? [{ row: candidate, shape: candidateShape }] : [];
  });
  const byVersionDown = (a: { shape: IdShape }, b: { shape: IdShape }) => b.shape.version - a.shape.version;
  const notAbove = shaped.filter((entry) => entry.shape.version <= shape.version).sort(byVersionDown);
  const sameTier = notAbove.find((entry) => entry.shape.tier === shape.tier);
  if (sameTier) return sameTier.row;
  if (notAbove[0]) return notAbove[0].row;
  return shaped.sort((a, b) => a.shape.version - b.shape.version)[0]?.row;
}

/**
 * Capabilities for a Gemini model id: the first row whose globs match, operator rows first; else the nearest family
 * (`matched: 'nearest'`, which the caller warns about once); else conservative defaults.
 */
export function capabilitiesFor(model: string, overrides: readonly CapabilityRow[] = []): ResolvedCapabilities {
  const rows = [...overrides, ...MODEL_CAPABILITY_TABLE];
  const exact = rows.find((candidate) => candidate.match.some((glob) => globMatches(glob, model)));
  if (exact) return { capabilities: withoutMatch(exact), matched: 'exact' };
  const shape = shapeOf(model);
  const nearest = shape ? nearestRow(shape, rows) : undefined;
  return { capabilities: nearest ? withoutMatch(nearest) : UNKNOWN_MODEL_CAPABILITIES, matched: 'nearest' };
}

/** Facts Gemini's own `models.get` reports, which refine a row at run time. */
export interface ModelFacts {
  thinking?: boolean;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
}

/** A row refined by `models.get`: a model that says it does not think gets no thinking knob; its limits win. */
export function refineCapabilities(capabilities: ModelCapabilities, facts: ModelFacts | undefined): ModelCapabilities {
  if (!facts) return capabilities;
  return {
    ...capabilities,
    ...(facts.thinking === false ? { thinking: { kind: 'none' } } : {}),
    ...(facts.inputTokenLimit ? { inputTokenLimit: facts.inputTokenLimit } : {}),
    ...(facts.outputTokenLimit ? { outputTokenLimit: facts.outputTokenLimit } : {}),
  };
}
