import { readCandidateContent, type CandidateToolCall } from '../chat-completions/candidate-content';
import type { GeminiGenerateContentResponse, GeminiGroundingMetadata, GeminiUsage } from '../chat-completions/gemini-generate-schema';
import { responseObject, type ResponseContext, type ResponseObject } from './response-object';
import type { OpenAIFinishReason } from '../chat-completions/finish-reason';
import {
  chatFinishReason,
  responseEnding,
  responsesAnnotations,
  responsesUsage,
  signatureItem,
  type FunctionCallItem,
  type ItemIds,
  type MessageItem,
  type OutputItem,
  type ReasoningItem,
  type ResponseEnding,
} from './responses-output';
import type { TurnSignatures } from './signature-carrier';

/** One Responses stream event: its `type`, `sequence_number` and fields. */
export type ResponsesEvent = { type: string; sequence_number: number } & Record<string, unknown>;

type Open = { kind: 'reasoning'; index: number; item: ReasoningItem; text: string } | { kind: 'message'; index: number; item: MessageItem; text: string };

/**
 * Gemini stream chunks in, Responses events out, no I/O. Items open and close in output order as OpenAI streams them:
 * a reasoning item for thought summaries, the message (`output_text` deltas), each function call (whole, as Gemini
 * sends it: one arguments delta), then the reasoning item carrying the signatures, and exactly one terminal event.
 */
export class ResponsesStreamTranslator {
  readonly output: OutputItem[] = [];
  readonly warnings: string[] = [];
  responseId: string | undefined;
  modelVersion: string | undefined;
  private sequence = 0;
  private open: Open | undefined;
  private usage: GeminiUsage | null | undefined;
  private finishReason: string | null | undefined;
  private blocked = false;
  private grounding: GeminiGroundingMetadata | null | undefined;
  private readonly signatures: Required<TurnSignatures> = { text: '', calls: {} };
  private ending: ResponseEnding | undefined;

  constructor(
    private readonly settings: Record<string, unknown>,
    private readonly context: ResponseContext,
    private readonly ids: ItemIds,
  ) {}

  /** `response.created` and `response.in_progress`, sent before Gemini answers. */
  start(): ResponsesEvent[] {
    const snapshot = this.snapshot('in_progress', null);
    return [this.event('response.created', { response: snapshot }), this.event('response.in_progress', { response: snapshot })];
  }

  push(chunk: GeminiGenerateContentResponse): ResponsesEvent[] {
    this.responseId ??= chunk.responseId ?? undefined;
    this.modelVersion ??= chunk.modelVersion ?? undefined;
    if (chunk.usageMetadata) this.usage = chunk.usageMetadata;
    const events: ResponsesEvent[] = [];
    const candidate = chunk.candidates?.find((each) => (each.index ?? 0) === 0);
    if (!candidate) {
      if (chunk.promptFeedback?.blockReason) {
        this.blocked = true;
        this.finishReason = chunk.promptFeedback.blockReason;
      }
      return events;
    }
    const content = readCandidateContent(candidate);
    if (content.reasoning) this.appendText('reasoning', content.reasoning, events);
    if (content.text) this.appendText('message', content.text, events);
    for (const call of content.toolCalls) this.addCall(call, events);
    if (content.textSignature) this.signatures.text = content.textSignature;
    if (candidate.groundingMetadata) this.grounding = candidate.groundingMetadata;
    if (content.images.length > 0) this.warnings.push('inlineData');
    this.warnings.push(...content.unsupported);
    if (candidate.finishReason) this.finishReason = candidate.finishReason;
    return events;
  }

  /** Closes what is open, adds the signature carrier and the terminal event; `complete` is false when Gemini stopped short. */
  finish(completedAt: number): { events: ResponsesEvent[]; complete: boolean } {
    if (!this.finishReason && !this.blocked) return { events: [], complete: false };
    const events: ResponsesEvent[] = [];
    this.ending = responseEnding(this.blocked ? null : this.finishReason, this.blocked);
    if (this.blocked && this.output.length === 0) this.appendRefusal(events);
    this.close(events);
    const callIds = Object.keys(this.signatures.calls);
    const carrier = signatureItem(this.ids, { ...(this.signatures.text ? { text: this.signatures.text } : {}), ...(callIds.length ? { calls: this.signatures.calls } : {}) });
    if (carrier) {
      const index = this.output.push(carrier) - 1;
      events.push(this.event('response.output_item.added', { output_index: index, item: carrier }), this.event('response.output_item.done', { output_index: index, item: carrier }));
    }
    const status = this.ending.status;
    const type = status === 'completed' ? 'response.completed' : 'response.incomplete';
    events.push(this.event(type, { response: this.final(completedAt) }));
    return { events, complete: true };
  }

  /** `error` (OpenAI's nested form, so the Python SDK raises too) and `response.failed`, after a failure mid-stream. */
  fail(error: { type: string; code: string | null; message: string; param: string | null }): ResponsesEvent[] {
    const events = [this.event('error', { error })];
    events.push(this.event('response.failed', { response: this.snapshot('failed', responsesUsage(this.usage), { code: error.code ?? 'server_error', message: error.message }) }));
    return events;
  }

  /** The answer's chat `finish_reason` (after finish()), for the metrics and spans both APIs share. */
  get openAIFinishReason(): OpenAIFinishReason {
    return chatFinishReason(this.finishReason, this.blocked, this.output.some((item) => item.type === 'function_call'));
  }

  /** The final response object (after finish()). */
  final(completedAt: number): ResponseObject {
    return responseObject(this.settings, this.context, {
      status: this.ending?.status ?? 'completed',
      output: this.output,
      usage: responsesUsage(this.usage),
      ...(this.ending ? { ending: this.ending } : {}),
      completedAt,
    });
  }

  private snapshot(status: ResponseObject['status'], usage: ResponseObject['usage'], error?: ResponseObject['error']): ResponseObject {
    return responseObject(this.settings, this.context, { status, output: [...this.output], usage, ...(error ? { error } : {}) });
  }

  private event(type: string, fields: Record<string, unknown>): ResponsesEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }

  private appendText(kind: Open['kind'], delta: string, events: ResponsesEvent[]): void {
    if (this.open?.kind !== kind) {
      this.close(events);
      this.open = kind === 'reasoning' ? this.openReasoning(events) : this.openMessage(events);
    }
    const open = this.open;
    open.text += delta;
    if (open.kind === 'reasoning') {
      events.push(this.event('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.index, summary_index: 0, delta }));
    } else {
      events.push(this.event('response.output_text.delta', { item_id: open.item.id, output_index: open.index, content_index: 0, delta, logprobs: [] }));
    }
  }

  private openReasoning(events: ResponsesEvent[]): Open {
    const item: ReasoningItem = { id: this.ids.next('rs'), type: 'reasoning', summary: [] };
    const index = this.output.push(item) - 1;
    events.push(this.event('response.output_item.added', { output_index: index, item: { ...item, summary: [] } }));
    events.push(this.event('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } }));
    return { kind: 'reasoning', index, item, text: '' };
  }

  private openMessage(events: ResponsesEvent[]): Open {
    const item: MessageItem = { id: this.ids.next('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const index = this.output.push(item) - 1;
    events.push(this.event('response.output_item.added', { output_index: index, item: { ...item, content: [] } }));
    const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    events.push(this.event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part }));
    return { kind: 'message', index, item, text: '' };
  }

  private appendRefusal(events: ResponsesEvent[]): void {
    const refusal = `Gemini blocked the prompt${this.finishReason ? ` (${this.finishReason})` : ''}.`;
    const item: MessageItem = { id: this.ids.next('msg'), type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'refusal', refusal }] };
    const index = this.output.push(item) - 1;
    events.push(this.event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } }));
    events.push(this.event('response.output_item.done', { output_index: index, item }));
  }

  private close(events: ResponsesEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'reasoning') {
      const part = { type: 'summary_text' as const, text: open.text };
      open.item.summary = [part];
      events.push(this.event('response.reasoning_summary_text.done', { item_id: open.item.id, output_index: open.index, summary_index: 0, text: open.text }));
      events.push(this.event('response.reasoning_summary_part.done', { item_id: open.item.id, output_index: open.index, summary_index: 0, part }));
      events.push(this.event('response.output_item.done', { output_index: open.index, item: open.item }));
      return;
    }
    const annotations = responsesAnnotations(this.grounding, open.text);
    const part = { type: 'output_text' as const, text: open.text, annotations, logprobs: [] };
    annotations.forEach((annotation, annotationIndex) => {
      events.push(this.event('response.output_text.annotation.added', { item_id: open.item.id, output_index: open.index, content_index: 0, annotation_index: annotationIndex, annotation }));
    });
    events.push(this.event('response.output_text.done', { item_id: open.item.id, output_index: open.index, content_index: 0, text: open.text, logprobs: [] }));
    events.push(this.event('response.content_part.done', { item_id: open.item.id, output_index: open.index, content_index: 0, part }));
    open.item.content = [part];
    open.item.status = this.ending && this.ending.status !== 'completed' ? 'incomplete' : 'completed';
    events.push(this.event('response.output_item.done', { output_index: open.index, item: open.item }));
  }

  private addCall(call: CandidateToolCall, events: ResponsesEvent[]): void {
    this.close(events);
    const callId = call.id ?? this.ids.next('call');
    if (call.thoughtSignature) this.signatures.calls[callId] = call.thoughtSignature;
    const args = JSON.stringify(call.args);
    const item: FunctionCallItem = { id: this.ids.next('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name };
    const index = this.output.push(item) - 1;
    events.push(this.event('response.output_item.added', { output_index: index, item: { ...item } }));
    events.push(this.event('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: args }));
    events.push(this.event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: call.name, arguments: args }));
    item.arguments = args;
    item.status = 'completed';
    events.push(this.event('response.output_item.done', { output_index: index, item: { ...item } }));
  }
}
