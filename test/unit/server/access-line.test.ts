import { Writable } from 'node:stream';
import { createLogger } from '@sidecar/observability/logger';
import { writeAccessLine, type AccessFields } from '@sidecar/server/access-line';

function capture(level = 'info') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createLogger(level, sink) };
}

/** What the access log wrote before it was serialised by hand: pino's own line for the same object. */
function pinoLine(fields: AccessFields): string {
  const { lines, logger } = capture();
  logger.info(
    {
      method: fields.method,
      route: fields.route,
      path: fields.path,
      status: fields.status,
      durationMs: fields.durationMs,
      completed: fields.completed,
      ...(fields.consumer ? { consumer: fields.consumer.id, consumerSource: fields.consumer.source } : {}),
      ...fields.description,
      ...(fields.spanContext ? { trace_id: fields.spanContext.traceId, span_id: fields.spanContext.spanId } : {}),
    },
    'request',
  );
  return lines[0]!;
}

function handLine(fields: AccessFields): string {
  const { lines, logger } = capture();
  writeAccessLine(logger, fields);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');

const FULL: AccessFields = {
  method: 'POST',
  route: '/v1/chat/completions',
  path: '/v1/chat/completions',
  status: 200,
  durationMs: 12.345,
  completed: true,
  consumer: { id: 'key:0a1b2c3d', source: 'key' },
  description: {
    model: 'gemini-2.5-flash',
    stream: true,
    finishReasons: ['stop', 'tool_calls'],
    usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, completion_tokens_details: { reasoning_tokens: 4 } },
    streamError: 'upstream_stream_truncated',
  },
  spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' },
};

describe('writeAccessLine', () => {
  it('writes the same line, key for key and in the same order, as logger.info(fields, "request") did', () => {
    const hand = handLine(FULL);
    expect(withoutTime(hand)).toBe(withoutTime(pinoLine(FULL)));
    expect(Object.keys(JSON.parse(hand) as object)).toEqual([
      'level', 'time', 'service', 'method', 'route', 'path', 'status', 'durationMs', 'completed', 'consumer', 'consumerSource',
      'model', 'stream', 'finishReasons', 'usage', 'streamError', 'trace_id', 'span_id', 'msg',
    ]);
    expect(JSON.parse(hand)).toMatchObject({ level: 30, service: 'openai-gemini-sidecar', msg: 'request', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/) });
  });

  it('leaves out what is absent (no consumer, no description, no span, undefined description values) as pino does', () => {
    const fields: AccessFields = { ...FULL, consumer: undefined, description: { model: 'm', stream: undefined }, spanContext: undefined, completed: false, status: 499 };
    const hand = handLine(fields);
    expect(withoutTime(hand)).toBe(withoutTime(pinoLine(fields)));
    expect(JSON.parse(hand)).not.toHaveProperty('stream');
    expect(JSON.parse(hand)).not.toHaveProperty('trace_id');
  });

  it('escapes a client-chosen path exactly as pino does (quotes, backslashes, control and non-ASCII characters)', () => {
    const fields: AccessFields = { ...FULL, path: '/v1/"x"\\y\u0001\u2028é%22', route: 'unmatched', description: undefined };
    const hand = handLine(fields);
    expect(withoutTime(hand)).toBe(withoutTime(pinoLine(fields)));
    expect((JSON.parse(hand) as { path: string }).path).toBe(fields.path);
  });

  it('follows the logger level, also when it changes at run time (config reload)', () => {
    const { lines, logger } = capture('warn');
    writeAccessLine(logger, FULL);
    expect(lines).toHaveLength(0);
    logger.level = 'info';
    writeAccessLine(logger, FULL);
    expect(lines).toHaveLength(1);
  });

  it("carries a child logger's bindings, as pino puts them after the service", () => {
    const { lines, logger } = capture();
    writeAccessLine(logger.child({ pod: 'p-1' }), FULL);
    expect(Object.keys(JSON.parse(lines[0]!) as object).slice(0, 5)).toEqual(['level', 'time', 'service', 'pod', 'method']);
  });

  it('leaves the redaction of every other log line as it was: headers and apiKey fields are censored', () => {
    const { lines, logger } = capture();
    logger.info({ headers: { authorization: 'Bearer sk-secret-1', 'x-goog-api-key': 'AIza-secret-2' }, apiKey: 'AIza-secret-3', pool: { apiKey: 'AIza-secret-4' } }, 'x');
    expect(lines[0]).not.toMatch(/secret/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ headers: { authorization: '[redacted]', 'x-goog-api-key': '[redacted]' }, apiKey: '[redacted]', pool: { apiKey: '[redacted]' } });
  });
});
