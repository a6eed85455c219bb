import { createHash } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

// The sidecar's own spans (HTTP server, GenAI operation, upstream attempt) record into this provider; the built
// process with the real SDK and OTLP export is proven in e2e/trace-propagation.
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
trace.setGlobalTracerProvider(provider);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const KEY = 'AIzaSy-span-secret-0000';
const CHAT = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'trace me' }], temperature: 0.3, max_tokens: 50 };

function genAISpan(spans: ReadableSpan[]): ReadableSpan {
  const found = spans.find((span) => span.name.startsWith('chat ') || span.name.startsWith('embeddings '));
  if (!found) throw new Error(`no GenAI span among ${spans.map((span) => span.name).join(', ')}`);
  return found;
}

describe('GenAI spans', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ metrics: { format: 'openmetrics' } });
  });
  afterAll(async () => {
    await harness.close();
    await provider.shutdown();
    contextManager.disable();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    harness.emulator.reset();
  });

  it('records a CLIENT span "chat {model}" with request, response and usage attributes, and the HTTP call beneath it', async () => {
    const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send(CHAT).expect(200);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const span = genAISpan(spans);
    expect(span.name).toBe('chat gemini-2.5-flash');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': response.body.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': response.body.usage.completion_tokens,
    });
    expect(`chatcmpl-${String(span.attributes['gen_ai.response.id'])}`).toBe(response.body.id);
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    const http = spans.find((candidate) => candidate.kind === SpanKind.CLIENT && candidate !== span);
    expect(http?.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    expect(http?.spanContext().traceId).toBe(span.spanContext().traceId);
    // The emulator saw the same trace in the traceparent header.
    expect(String(harness.emulator.lastRequest()!.headers.traceparent)).toContain(span.spanContext().traceId);
  });

  it('records a Responses request as a "chat {model}" span with the same attributes, beneath a server span named by its route', async () => {
    const response = await request(harness.app)
      .post('/v1/responses')
      .set('Authorization', `Bearer ${KEY}`)
      .send({ model: 'gemini-2.5-flash', input: 'trace me', temperature: 0.3, max_output_tokens: 50 })
      .expect(200);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const span = genAISpan(spans);
    expect(span.name).toBe('chat gemini-2.5-flash');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stream': false,
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': response.body.usage.input_tokens,
      'gen_ai.usage.output_tokens': response.body.usage.output_tokens,
    });
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    const server = spans.find((candidate) => candidate.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST /v1/responses');
    expect(server?.attributes['http.route']).toBe('/v1/responses');
    expect(span.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    const http = spans.find((candidate) => candidate.kind === SpanKind.CLIENT && candidate !== span);
    expect(http?.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  });

  it('wraps the request in an HTTP SERVER span that continues the caller traceparent and is named by its route', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentId = 'b7ad6b7169203331';
    await request(harness.app)
      .post('/v1beta/openai/chat/completions')
      .set('Authorization', `Bearer ${KEY}`)
      .set('traceparent', `00-${traceId}-${parentId}-01`)
      .send(CHAT)
      .expect(200);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const server = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST /v1beta/openai/chat/completions');
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.parentSpanContext?.spanId).toBe(parentId);
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1beta/openai/chat/completions',
      'http.response.status_code': 200,
      'url.path': '/v1beta/openai/chat/completions',
    });
    // The handler ran inside the request's context after the body was read: the GenAI span is the server span's child.
    expect(genAISpan(spans).parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
  });

  it('ends the server span of a rejected body with its status, and marks a 5xx answer as an error', async () => {
    await request(harness.app).post('/v1/chat/completions').set('content-type', 'application/json').send('{"model":').expect(400);
    harness.emulator.enqueue({ kind: 'json', status: 503, body: { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } } });
    await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send(CHAT).expect(503);
    await provider.forceFlush();
    const servers = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => [span.name, span.attributes['http.response.status_code'], span.attributes['error.type'], span.status.code])).toEqual([
      ['POST /v1/chat/completions', 400, undefined, SpanStatusCode.UNSET],
      ['POST /v1/chat/completions', 503, '503', SpanStatusCode.ERROR],
    ]);
  });

  it('passes the server span on to Gemini from the native passthrough, without inventing an http.route', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(harness.app)
      .post('/v1beta/models/gemini-2.5-flash:generateContent')
      .set('x-goog-api-key', KEY)
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ contents: [{ role: 'user', parts: [{ text: 'native' }] }] })
      .expect(200);
    await provider.forceFlush();
    const server = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST');
    expect(server?.attributes['http.route']).toBeUndefined();
    expect(String(harness.emulator.lastRequest()!.headers.traceparent)).toBe(`00-${traceId}-${server!.spanContext().spanId}-01`);
  });

  it('marks a failed call with error.type and an ERROR status', async () => {
    harness.emulator.enqueue({ kind: 'json', status: 429, body: { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } } });
    await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send(CHAT).expect(429);
    await provider.forceFlush();
    const span = genAISpan(exporter.getFinishedSpans());
    expect(span.attributes['error.type']).toBe('429');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('puts no key in any span attribute, URL or event', async () => {
    await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send({ ...CHAT, stream: true }).expect(200);
    await request(harness.app).post('/v1/embeddings').set('Authorization', `Bearer ${KEY}`).send({ model: 'gemini-embedding-001', input: 'x' }).expect(200);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })))).not.toContain(KEY);
  });

  it('links latency histograms to sampled traces with trace_id/span_id exemplars (OpenMetrics)', async () => {
    await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send(CHAT).expect(200);
    await provider.forceFlush();
    const span = genAISpan(exporter.getFinishedSpans());
    const exposition = await harness.metrics.registry.metrics();
    expect(harness.metrics.registry.contentType).toContain('application/openmetrics-text');
    expect(exposition).toMatch(
      new RegExp(`gen_ai_client_operation_duration_seconds_bucket\\{[^}]*\\} \\d+ # \\{trace_id="${span.spanContext().traceId}",span_id="${span.spanContext().spanId}"\\}`),
    );
  });

  it('records prompts and completions only when tracing.captureContent is on', async () => {
    const capturing = await startSidecarHarness({ tracing: { captureContent: true } });
    try {
      await request(capturing.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).send(CHAT).expect(200);
      await provider.forceFlush();
      const span = genAISpan(exporter.getFinishedSpans());
      expect(String(span.attributes['gen_ai.input.messages'])).toContain('trace me');
      expect(String(span.attributes['gen_ai.output.messages'])).toContain('Echo: trace me');
      exporter.reset();
      await request(capturing.app).post('/v1/responses').set('Authorization', `Bearer ${KEY}`).send({ model: 'gemini-2.5-flash', instructions: 'be brief', input: 'trace me' }).expect(200);
      await provider.forceFlush();
      const responses = genAISpan(exporter.getFinishedSpans());
      expect(String(responses.attributes['gen_ai.input.messages'])).toContain('trace me');
      expect(responses.attributes['gen_ai.system_instructions']).toBe('"be brief"');
      expect(String(responses.attributes['gen_ai.output.messages'])).toContain('Echo: trace me');
    } finally {
      await capturing.close();
    }
  });
  it('puts the consumer on the server and GenAI spans as user.id, with the cost; an untrusted consumer header yields the key fingerprint, never the key', async () => {
    await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).set('X-Consumer-Username', 'spoofed').send(CHAT).expect(200);
    const trusting = await startSidecarHarness({ auth: { trustIngress: true } });
    try {
      await request(trusting.app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).set('X-Consumer-Username', 'team-search').send(CHAT).expect(200);
    } finally {
      await trusting.close();
    }
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const userIds = (kind: SpanKind) => spans.filter((span) => span.kind === kind && span.attributes['user.id'] !== undefined).map((span) => span.attributes['user.id']);
    const fingerprint = `key:${createHash('sha256').update(KEY).digest('hex').slice(0, 8)}`;
    expect(userIds(SpanKind.SERVER)).toEqual([fingerprint, 'team-search']);
    expect(userIds(SpanKind.CLIENT)).toEqual([fingerprint, 'team-search']);
    const genAI = spans.filter((span) => span.name.startsWith('chat '));
    expect(genAI.map((span) => typeof span.attributes['gemini_sidecar.cost.usd'])).toEqual(['number', 'number']);
    expect(genAI[0]!.attributes).toMatchObject({ 'gen_ai.usage.cache_read.input_tokens': 0, 'gen_ai.usage.reasoning.output_tokens': 0 });
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(KEY);
  });
});
