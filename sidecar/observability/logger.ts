import pino, { type Logger } from 'pino';
import { BatchedStdout } from './batched-stdout';

export type { Logger } from 'pino';

/** Header and field paths never written to a log line. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-goog-api-key"]',
  'headers.authorization',
  'headers["x-goog-api-key"]',
  'apiKey',
  '*.apiKey',
];

/** JSON logger to stdout, written asynchronously so logging never blocks the event loop. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'openai-gemini-sidecar' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? new BatchedStdout(pino.destination({ dest: 1, sync: false }), 1),
  );
}
