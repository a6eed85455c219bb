import { context, SpanKind, SpanStatusCode, trace, type AttributeValue, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { TokenUsage } from '../spend/token-usage';
import { errorTypeOf } from './error-type';
import type { SidecarMetrics } from './metrics';
import { observeWithExemplar } from './observe';

/** GenAI semconv `gen_ai.operation.name` values the sidecar performs. */
export type GenAIOperationName = 'chat' | 'text_completion' | 'embeddings' | 'generate_content';

/** What is known when an operation starts. */
export interface OperationStart {
  operation: GenAIOperationName;
  /** The Gemini model called (after aliases and prefix stripping). */
  model: string;
  stream: boolean;
  /** Who the request is billed to (consumer-identity.ts): the `user.id` span attribute and the spend metrics. */
  consumer?: string;
  /** `gen_ai.request.*` attributes (temperature, max_tokens ...), already semconv-named. */
  attributes?: Record<string, AttributeValue | undefined>;
}

/** What is known when an operation succeeds. */
export interface OperationResult {
  responseId?: string;
  responseModel?: string;
  finishReasons?: readonly string[];
  /** Token usage as Gemini reported it; absent when it reported none (then no token metric is recorded). */
  usage?: TokenUsage;
  /**
   * `usage` was estimated by the sidecar (Gemini's batchEmbedContents reports none): semconv forbids estimates in the
   * token metric and span attributes, so it only feeds the spend metrics, whose cost is an estimate anyway.
   */
  usageEstimated?: boolean;
}

/**
 * One logical call to Gemini, as a GenAI CLIENT span `{operation} {model}` plus the gen_ai_* metrics
 * (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.1/docs/gen-ai). Upstream HTTP attempts run
 * inside `context` so their client spans nest beneath it.
 */
export class GenAIOperation {
  readonly span: Span;
  readonly context: Context;
  private readonly started = performance.now();
  private lastChunkAt: number | undefined;
  private ended = false;
  private readonly labels: { gen_ai_operation_name: string; gen_ai_provider_name: string; gen_ai_request_model: string };

  constructor(
    private readonly metrics: SidecarMetrics,
    tracer: Tracer,
    private readonly start: OperationStart,
  ) {
    this.labels = {
      gen_ai_operation_name: start.operation,
      gen_ai_provider_name: metrics.provider,
      gen_ai_request_model: metrics.modelLabel(start.model),
    };
    const attributes: Record<string, AttributeValue> = {
      'gen_ai.operation.name': start.operation,
      'gen_ai.provider.name': metrics.provider,
      'gen_ai.request.model': start.model,
    };
    if (start.consumer !== undefined) attributes['user.id'] = start.consumer;
    for (const [key, value] of Object.entries(start.attributes ?? {})) if (value !== undefined) attributes[key] = value;
    this.span = tracer.startSpan(`${start.operation} ${start.model}`, { kind: SpanKind.CLIENT, attributes });
    this.context = trace.setSpan(context.active(), this.span);
    metrics.inflight.inc({ stream: String(start.stream) });
  }

  /** Runs `work` with this operation's span active (upstream HTTP spans become its children). */
  run<T>(work: () => Promise<T>): Promise<T> {
    return context.with(this.context, work);
  }

  /** Records a streamed chunk: the first feeds time-to-first-chunk, later ones time-per-output-chunk. */
  chunk(): void {
    const now = performance.now();
    if (this.lastChunkAt === undefined) {
      observeWithExemplar(this.metrics.timeToFirstChunk, this.metrics.openMetrics, this.labels, (now - this.started) / 1000, this.span.spanContext());
    } else {
      this.metrics.timePerOutputChunk.observe(this.labels, (now - this.lastChunkAt) / 1000);
    }
    this.lastChunkAt = now;
  }

  /** Ends the operation successfully. */
  succeed(result: OperationResult): void {
    if (this.ended) return;
    this.end();
    const span = this.span;
    if (result.responseId) span.setAttribute('gen_ai.response.id', result.responseId);
    if (result.responseModel) span.setAttribute('gen_ai.response.model', result.responseModel);
    if (result.finishReasons?.length) span.setAttribute('gen_ai.response.finish_reasons', [...result.finishReasons]);
    const usage = result.usageEstimated ? undefined : result.usage;
    if (usage) {
      span.setAttributes({
        'gen_ai.usage.input_tokens': usage.input,
        'gen_ai.usage.output_tokens': usage.output,
        'gen_ai.usage.cache_read.input_tokens': usage.cached,
        'gen_ai.usage.reasoning.output_tokens': usage.reasoning,
      });
    }
    observeWithExemplar(this.metrics.operationDuration, this.metrics.openMetrics, { ...this.labels, error_type: '' }, this.elapsed(), span.spanContext());
    for (const reason of result.finishReasons ?? []) this.metrics.finishReasons.inc({ finish_reason: reason });
    const tokenLabels = { ...this.labels, gen_ai_response_model: this.metrics.modelLabel(result.responseModel ?? this.start.model) };
    if (usage) {
      this.metrics.tokenUsage.observe({ ...tokenLabels, gen_ai_token_type: 'input' }, usage.input);
      this.metrics.tokenUsage.observe({ ...tokenLabels, gen_ai_token_type: 'output' }, usage.output);
    }
    if (result.usage) {
      const cost = this.metrics.spend.record(this.start.consumer ?? 'anonymous', this.start.model, result.responseModel, result.usage);
      if (cost) span.setAttribute('gemini_sidecar.cost.usd', cost.usd);
    }
    span.end();
  }

  /**
   * Ends the operation with an error (or a client that went away). `usage` is what a stream reported before it broke:
   * Gemini bills the tokens it generated, so they still count for the consumer's spend.
   */
  fail(error: unknown, usage?: TokenUsage): void {
    if (this.ended) return;
    this.end();
    if (usage) this.metrics.spend.record(this.start.consumer ?? 'anonymous', this.start.model, undefined, usage);
    const errorType = errorTypeOf(error);
    if (errorType === 'cancelled') this.metrics.clientDisconnects.inc({ stream: String(this.start.stream) });
    this.span.setAttribute('error.type', errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    observeWithExemplar(this.metrics.operationDuration, this.metrics.openMetrics, { ...this.labels, error_type: errorType }, this.elapsed(), this.span.spanContext());
    this.span.end();
  }

  private end(): void {
    this.ended = true;
    this.metrics.inflight.dec({ stream: String(this.start.stream) });
  }

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

}
