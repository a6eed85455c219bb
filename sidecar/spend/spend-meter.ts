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

/** Per-consumer tokens, estimated cost, cache savings and budgets: the series behind the dashboard's Spend row. */
export class SpendMeter {
  readonly version: string;
  private readonly consumers: ConsumerLabels;
  private readonly tokens: Counter<'consumer' | 'gen_ai_request_model' | 'gen_ai_token_type'>;
  private readonly requests: Counter<'consumer' | 'gen_ai_request_model'>;
  private readonly cost: Counter<'consumer' | 'gen_ai_request_model'>;
  private readonly savings: Counter<'consumer' | 'gen_ai_request_model'>;
  private readonly unpriced: Counter<'gen_ai_request_model'>;

  constructor(
    registers: Array<Registry<RegistryContentType>>,
    private readonly options: SpendOptions,
    private readonly modelLabel: (model: string | undefined) => string,
  ) {
    this.version = priceTableVersion(options.prices);
    this.consumers = new ConsumerLabels(options.allow, options.maxConsumers);
    const labelNames = ['consumer', 'gen_ai_request_model'] as const;
    this.tokens = new Counter({
      name: 'gemini_sidecar_consumer_tokens_total',
      help: 'Billable tokens by consumer, model and type: input (cached included), output (thinking included), reasoning, cached.',
      labelNames: [...labelNames, 'gen_ai_token_type'],
      registers,
    });
    this.requests = new Counter({
      name: 'gemini_sidecar_consumer_requests_total',
      help: 'GenAI operations that reported token usage, by consumer and model.',
      labelNames,
      registers,
    });
    this.cost = new Counter({
      name: 'gemini_sidecar_consumer_cost_usd_total',
      help: "Estimated cost in US dollars by consumer and model, from the price table (price_table_version on gemini_sidecar_build_info).",
      labelNames,
      registers,
    });
    this.savings = new Counter({
      name: 'gemini_sidecar_consumer_cache_savings_usd_total',
      help: 'US dollars cached input tokens saved against the plain input rate, by consumer and model.',
      labelNames,
      registers,
    });
    this.unpriced = new Counter({
      name: 'gemini_sidecar_unpriced_tokens_total',
      help: 'Tokens of operations on a model the price table has no row for (not in the cost metric), by model.',
      labelNames: ['gen_ai_request_model'],
      registers,
    });
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

  /** The consumer label value for a consumer id (admits it when there is room). */
  consumerLabel(id: string): string {
    return this.consumers.label(id);
  }

  /**
   * Counts one operation's usage for a consumer and prices it by the model called (or, failing that, the model
   * version Gemini answered with). Returns the estimate, or undefined when no row prices the model.
   */
  record(consumerId: string, model: string, responseModel: string | undefined, usage: TokenUsage): CostEstimate | undefined {
    const labels = { consumer: this.consumers.label(consumerId), gen_ai_request_model: this.modelLabel(model) };
    const counts = { input: usage.input, output: usage.output, reasoning: usage.reasoning, cached: usage.cached };
    for (const type of TOKEN_TYPES) this.tokens.inc({ ...labels, gen_ai_token_type: type }, counts[type]);
    this.requests.inc(labels);
    const row = findPrice(model, this.options.prices, BUILT_IN_PRICES) ?? (responseModel ? findPrice(responseModel, this.options.prices, BUILT_IN_PRICES) : undefined);
    if (!row) {
      this.unpriced.inc({ gen_ai_request_model: labels.gen_ai_request_model }, usage.input + usage.output);
      return undefined;
    }
    const estimate = estimateCost(usage, row);
    this.cost.inc(labels, estimate.usd);
    this.savings.inc(labels, estimate.cacheSavingsUsd);
    return estimate;
  }
}
