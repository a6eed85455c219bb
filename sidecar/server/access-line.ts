import pino, { type Logger } from 'pino';

/** What one access-log line says, in the order the fields are written. */
export interface AccessFields {
  method: string;
  route: string;
  path: string;
  status: number;
  durationMs: number;
  completed: boolean;
  consumer?: { id: string; source: string };
  /** What the route described (model, stream, tokens, finish reasons ...): every key with a defined value is written. */
  description?: object;
  spanContext?: { traceId: string; spanId: string };
}

const { streamSym, timeSym, chindingsSym } = pino.symbols;

function appendFields(out: string, fields: object): string {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return out;
}

/**
 * The access line as `logger.info(fields, 'request')` writes it, serialised by hand: pino would run its redaction
 * (compiled paths over headers and `apiKey` fields, which this line never carries) and its generic serialiser on
 * every request, about a third of the logging cost in the bench profile. The level, time and bindings come from
 * the logger itself (`pino.symbols`), so the line keeps its format when the logger's level or base changes.
 */
export function writeAccessLine(logger: Logger, fields: AccessFields): void {
  if (!logger.isLevelEnabled('info')) return;
  const internals = logger as unknown as Record<symbol, unknown>;
  let line = `{"level":${logger.levels.values.info}${(internals[timeSym] as () => string)()}${internals[chindingsSym] as string}`;
  line += `,"method":${JSON.stringify(fields.method)},"route":${JSON.stringify(fields.route)},"path":${JSON.stringify(fields.path)}`;
  line += `,"status":${fields.status},"durationMs":${fields.durationMs},"completed":${fields.completed}`;
  if (fields.consumer) line += `,"consumer":${JSON.stringify(fields.consumer.id)},"consumerSource":${JSON.stringify(fields.consumer.source)}`;
  if (fields.description) line = appendFields(line, fields.description);
  if (fields.spanContext) line += `,"trace_id":"${fields.spanContext.traceId}","span_id":"${fields.spanContext.spanId}"`;
  const stream = internals[streamSym] as { write(line: string): void; writeBatched?(line: string): void };
  // On stdout (observability/batched-stdout.ts) the lines of one event-loop turn leave in one write.
  if (stream.writeBatched) stream.writeBatched(`${line},"msg":"request"}\n`);
  else stream.write(`${line},"msg":"request"}\n`);
}
