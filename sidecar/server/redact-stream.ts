import { Transform, type TransformCallback } from 'node:stream';

const REDACTED = Buffer.from('[redacted]');

/**
 * A byte stream with every occurrence of the given secrets replaced by `[redacted]`, also when one straddles two
 * chunks: only a chunk tail that could begin a secret is held back, so an SSE event ending in CRLF CRLF is passed
 * on at once and streams stay unbuffered.
 */
export function redactingStream(secrets: readonly string[]): Transform {
  const needles = secrets.filter((secret) => secret.length >= 4).map((secret) => Buffer.from(secret));
  const heldTail = (data: Buffer): number => {
    let hold = 0;
    for (const needle of needles) {
      for (let size = Math.min(needle.length - 1, data.length); size > hold; size--) {
        if (data.subarray(data.length - size).equals(needle.subarray(0, size))) {
          hold = size;
          break;
        }
      }
    }
    return hold;
  };
  let carry: Buffer = Buffer.alloc(0);
  const redact = (input: Buffer): Buffer => {
    let output = input;
    for (const needle of needles) {
      let at = output.indexOf(needle);
      if (at < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at >= 0) {
        parts.push(output.subarray(from, at), REDACTED);
        from = at + needle.length;
        at = output.indexOf(needle, from);
      }
      parts.push(output.subarray(from));
      output = Buffer.concat(parts);
    }
    return output;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const data = redact(Buffer.concat([carry, chunk]));
      const cut = data.length - heldTail(data);
      carry = data.subarray(cut);
      done(null, data.subarray(0, cut));
    },
    flush(done: TransformCallback) {
      done(null, redact(carry));
    },
  });
}
