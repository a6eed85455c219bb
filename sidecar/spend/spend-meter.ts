import { createHash } from 'node:crypto';
import { Counter, Gauge, type Registry, type RegistryContentType } from 'prom-client';
import { ConsumerLabels } from './consumer-labels';
import { estimateCost, findPrice, type CostEstimate } from './estimate-cost';
import { BUILT_IN_PRICES, PRICE_TABLE_VERSION, type PriceRow } from './price-table';
import type { TokenUsage } from './token-usage';

/** Spend settings fixed at start-up (config `consumers` and `pricing`). */
export interface SpendOptions {
  allow: readonly string[];
  maxConsumers: number;
  /** Default daily budget per consumer in US dollars; 0: none (no budget series, no alert). */
  dailyBudgetUsd: number;
  /** Per-consumer daily budgets, overriding the default. */
  budgets: Readonly<Record<string, number>>;
  /** Operator price rows, consulted before the built-in table. */
  prices: readonly PriceRow[];
}

export const DEFAULT_SPEND_OPTIONS: SpendOptions = { allow: [], maxConsumers: 100, dailyBudgetUsd: 0, budgets: {}, prices: [] };

/** The built-in table's version, plus a digest of the operator's rows when there are any. */
export function priceTableVersion(prices: readonly PriceRow[]): string {
  if (prices.length === 0) return PRICE_TABLE_VERSION;
  return `${PRICE_TABLE_VERSION}+config.${createHash('sha256').update(JSON.stringify(prices)).digest('hex').slice(0, 8)}`;
}

const TOKEN_TYPES = ['input', 'output', 'reasoning', 'cached'] as const;

/** Model ids whose price row is remembered; past this the memory is cleared (ids come from callers). */
const PRICE_CACHE_SIZE = 256;

/** Running totals of one consumer × model pair since start-up. */
interface PairTotals {
  labels: { consumer: string; gen_ai_request_model: string };
  tokens: { input: number; output: number; reasoning: number; cached: number };
  requests: number;
  usd: number;
  savingsUsd: number;
}

/** A counter whose values are the totals `read` returns, set when Prometheus scrapes. */
function scrapedCounter<T extends string>(
  registers: Array<Registry<RegistryContentType>>,
  name: string,
  help: string,
  labelNames: readonly T[],
  read: () => Iterable<[Partial<Record<T, string>>, number]>,
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/**
 * Per-consumer tokens, estimated cost, cache savings and budgets: the series behind the dashboard's Spend row. A
 * request only adds to plain numbers; prom-client's label hashing (about 1 µs per inc) happens once per series when
 * Prometheus scrapes.
 */
export class SpendMeter {
  readonly version: string;
  private readonly consumers: ConsumerLabels;
  /** Bounded like the labels: at most (maxConsumers or allow-list + 1) × (metric models + 1) entries. */
  private readonly totals = new Map<string, PairTotals>();
  private readonly unpriced = new Map<string, number>();
  private readonly rows = new Map<string, PriceRow | undefined>();

  constructor(
    registers: Array<Registry<RegistryContentType>>,
    private readonly options: SpendOptions,
    private readonly modelLabel: (model: string | undefined) => string,
  ) {
    this.version = priceTableVersion(options.prices);
    this.consumers = new ConsumerLabels(options.allow, options.maxConsumers);
    const pairs = () => this.totals.values();
    const labelNames = ['consumer', 'gen_ai_request_model'] as const;
    scrapedCounter(
      registers,
      'gemini_sidecar_consumer_tokens_total',
      'Billable tokens by consumer, model and type: input (cached included), output (thinking included), reasoning, cached.',
      [...labelNames, 'gen_ai_token_type'],
      function* () {
        for (const pair of pairs()) for (const type of TOKEN_TYPES) yield [{ ...pair.labels, gen_ai_token_type: type }, pair.tokens[type]];
      },
    );
    scrapedCounter(registers, 'gemini_sidecar_consumer_requests_total', 'GenAI operations that reported token usage, by consumer and model.', labelNames, function* () {
      for (const pair of pairs()) yield [pair.labels, pair.requests];
    });
    scrapedCounter(
      registers,
      'gemini_sidecar_consumer_cost_usd_total',
      'Estimated cost in US dollars by consumer and model, from the price table (price_table_version on gemini_sidecar_build_info).',
      labelNames,
      function* () {
        for (const pair of pairs()) yield [pair.labels, pair.usd];
      },
    );
    scrapedCounter(
      registers,
      'gemini_sidecar_consumer_cache_savings_usd_total',
      'US dollars cached input tokens saved against the plain input rate, by consumer and model.',
      labelNames,
      function* () {
        for (const pair of pairs()) yield [pair.labels, pair.savingsUsd];
      },
    );
    const unpriced = this.unpriced;
    scrapedCounter(
      registers,
      'gemini_sidecar_unpriced_tokens_total',
      'Tokens of operations on a model the price table has no row for (not in the cost metric), by model.',
      ['gen_ai_request_model'],
      function* () {
        for (const [model, tokens] of unpriced) yield [{ gen_ai_request_model: model }, tokens];
      },
    );
    const consumers = this.consumers;
    const budgetOf = (consumer: string) => options.budgets[consumer] ?? options.dailyBudgetUsd;
    new Gauge({
      name: 'gemini_sidecar_consumer_daily_budget_usd',
      help: 'Daily spend budget in US dollars per consumer (config consumers.dailyBudgetUsd / consumers.budgets); the budget alert compares the last 24 h of cost with it.',
      labelNames: ['consumer'],
      registers,
      collect() {
        this.reset();
        for (const consumer of new Set([...consumers.known(), ...Object.keys(options.budgets)])) {
          const budget = budgetOf(consumer);
          if (budget > 0) this.set({ consumer: consumers.label(consumer) }, budget);
        }
      },
    });
  }

  /**
   * Counts one operation's usage for a consumer and prices it by the model called (or, failing that, the model
   * version Gemini answered with). Returns the estimate, or undefined when no row prices the model.
   */
  record(consumerId: string, model: string, responseModel: string | undefined, usage: TokenUsage): CostEstimate | undefined {
    const modelLabel = this.modelLabel(model);
    const totals = this.totalsOf(this.consumers.label(consumerId), modelLabel);
    for (const type of TOKEN_TYPES) totals.tokens[type] += usage[type];
    totals.requests += 1;
    const row = this.priceOf(model) ?? (responseModel ? this.priceOf(responseModel) : undefined);
    if (!row) {
      this.unpriced.set(modelLabel, (this.unpriced.get(modelLabel) ?? 0) + usage.input + usage.output);
      return undefined;
    }
    const estimate = estimateCost(usage, row);
    totals.usd += estimate.usd;
    totals.savingsUsd += estimate.cacheSavingsUsd;
    return estimate;
  }

  private totalsOf(consumer: string, model: string): PairTotals {
    const key = `${consumer}\n${model}`;
    let totals = this.totals.get(key);
    if (!totals) {
      totals = { labels: { consumer, gen_ai_request_model: model }, tokens: { input: 0, output: 0, reasoning: 0, cached: 0 }, requests: 0, usd: 0, savingsUsd: 0 };
      this.totals.set(key, totals);
    }
    return totals;
  }

  private priceOf(model: string): PriceRow | undefined {
    if (this.rows.has(model)) return this.rows.get(model);
    if (this.rows.size >= PRICE_CACHE_SIZE) this.rows.clear();
    const row = findPrice(model, this.options.prices, BUILT_IN_PRICES);
    this.rows.set(model, row);
    return row;
  }
}
