import type { CapabilityOverride } from '../config/config-schema';
import type { AppDeps } from '../server/app-deps';
import type { CapabilityRow } from '../translate/models/capability-types';
import { capabilitiesFor, refineCapabilities, type ModelCapabilities, type ModelFacts, type ResolvedCapabilities } from '../translate/models/model-capabilities';

/** How long a models.get answer refines the table; a failed look-up is retried sooner. */
const FACTS_TTL_MS = 60 * 60_000;
const FAILED_TTL_MS = 5 * 60_000;
const FACTS_TIMEOUT_MS = 10_000;
/** Distinct model ids remembered at once (ids come from clients). */
const MAX_MODELS = 500;

interface FactsEntry {
  expires: number;
  facts?: ModelFacts;
}

/** Operator rows: each field the row leaves out comes from `like` (or the nearest family of its first glob). */
export function overrideRows(overrides: readonly CapabilityOverride[]): CapabilityRow[] {
  return overrides.map(({ match, like, ...fields }) => {
    const base = capabilitiesFor(like ?? match[0]!.replaceAll('*', '')).capabilities;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<ModelCapabilities>;
    return { ...base, source: 'config models.capabilities', family: match[0]!, ...defined, match };
  });
}

/**
 * The capability row for each request: operator rows, then the built-in table; an id neither knows gets the nearest
 * family (warned once) and, unless switched off, Gemini's own models.get facts, fetched in the background so no request
 * waits for them.
 */
export class ModelCapabilitiesSource {
  private readonly facts = new Map<string, FactsEntry>();
  private readonly warned = new Set<string>();
  private rowsFor?: { overrides: readonly CapabilityOverride[]; rows: CapabilityRow[] };
  /** The table's answer per model id, for the rows of `rowsFor` (the table walk was ~6 % of a chat request's CPU). */
  private readonly resolved = new Map<string, ResolvedCapabilities>();

  constructor(
    private readonly deps: Pick<AppDeps, 'config' | 'gemini' | 'logger'>,
    private readonly now: () => number = Date.now,
  ) {}

  resolve(model: string, apiKey: string | undefined): ModelCapabilities {
    const { capabilities, matched } = this.lookup(model);
    if (matched === 'nearest' && !this.warned.has(model) && this.warned.size < MAX_MODELS) {
      this.warned.add(model);
      this.deps.logger.warn({ model, family: capabilities.family }, 'model not in the capability table; using its nearest family');
    }
    const mode = this.deps.config.models.geminiFacts;
    if (mode === 'all' || (mode === 'unknown' && matched === 'nearest')) this.refresh(model, apiKey);
    return refineCapabilities(capabilities, this.facts.get(model)?.facts);
  }

  /** Resolves once the look-up for `model` that is in flight, if any, has settled (tests). */
  settled(): Promise<void> {
    return Promise.all([...this.inflight.values()]).then(() => undefined);
  }

  private readonly inflight = new Map<string, Promise<void>>();

  private lookup(model: string): ResolvedCapabilities {
    const overrides = this.deps.config.models.capabilities;
    if (this.rowsFor?.overrides !== overrides) {
      this.rowsFor = { overrides, rows: overrideRows(overrides) };
      this.resolved.clear();
    }
    let found = this.resolved.get(model);
    if (!found) {
      found = capabilitiesFor(model, this.rowsFor.rows);
      if (this.resolved.size >= MAX_MODELS) this.resolved.delete(this.resolved.keys().next().value!);
      this.resolved.set(model, found);
    }
    return found;
  }

  private refresh(model: string, apiKey: string | undefined): void {
    const entry = this.facts.get(model);
    if ((entry && entry.expires > this.now()) || this.inflight.has(model)) return;
    if (!entry && this.facts.size >= MAX_MODELS) this.facts.delete(this.facts.keys().next().value!);
    const lookup = this.deps.gemini
      .getJson(`models/${encodeURIComponent(model)}`, { apiKey, signal: AbortSignal.timeout(FACTS_TIMEOUT_MS) })
      .then((raw) => {
        const facts = readFacts(raw);
        this.facts.set(model, { expires: this.now() + FACTS_TTL_MS, facts });
        this.deps.logger.info({ model, facts }, 'model facts from Gemini models.get');
      })
      .catch((error: unknown) => {
        this.facts.set(model, { expires: this.now() + FAILED_TTL_MS, ...(entry?.facts ? { facts: entry.facts } : {}) });
        this.deps.logger.debug({ model, err: error }, 'models.get failed; the capability table stands');
      })
      .finally(() => this.inflight.delete(model));
    this.inflight.set(model, lookup);
  }
}

function readFacts(raw: unknown): ModelFacts {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const positive = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined);
  const inputTokenLimit = positive(record.inputTokenLimit);
  const outputTokenLimit = positive(record.outputTokenLimit);
  return {
    ...(typeof record.thinking === 'boolean' ? { thinking: record.thinking } : {}),
    ...(inputTokenLimit ? { inputTokenLimit } : {}),
    ...(outputTokenLimit ? { outputTokenLimit } : {}),
  };
}
