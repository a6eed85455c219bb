import { SseDecoder, SseEventTooLargeError, type SseItem } from '@sidecar/streaming/sse-decoder';

/** Pushes every piece, then ends; returns all items in order. */
function decode(pieces: string[], maxEventBytes?: number): SseItem[] {
  const decoder = new SseDecoder(maxEventBytes);
  const items: SseItem[] = [];
  for (const piece of pieces) items.push(...decoder.push(piece));
  items.push(...decoder.end());
  return items;
}

const data = (value: string): SseItem => ({ kind: 'data', data: value });

const first = '{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}';
const second = '{"candidates":[{"finishReason":"STOP"}]}';

describe('SseDecoder', () => {
  const framings = [
    { name: 'decodes CRLF framing (what Gemini sends)', framing: 'CRLF', eol: '\r\n' },
    { name: 'decodes LF framing', framing: 'LF', eol: '\n' },
    { name: 'decodes CR framing', framing: 'CR', eol: '\r' },
  ];
  it.each(framings)('$name', ({ eol }) => {
    const body = `data: ${first}${eol}${eol}data: ${second}${eol}${eol}`;
    expect(decode([body])).toEqual([data(first), data(second)]);
  });

  it.each(framings)('$name when the body arrives one character at a time', ({ eol }) => {
    const body = `data: ${first}${eol}${eol}data: ${second}${eol}${eol}`;
    expect(decode([...body])).toEqual([data(first), data(second)]);
  });

  it('returns both events from one push', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(`data: ${first}\r\n\r\ndata: ${second}\r\n\r\n`)).toEqual([data(first), data(second)]);
    expect(decoder.end()).toEqual([]);
  });

  it('returns an event as soon as its blank line arrives', () => {
    const decoder = new SseDecoder();
    expect(decoder.push('data: a\r\n')).toEqual([]);
    expect(decoder.push('\r\n')).toEqual([data('a')]);
  });

  const crlfBody = `data: ${first}\r\n\r\n: keep-alive\r\ndata: ${second}\r\n\r\n`;
  it.each(framings)('gives the same events when the body is split at every offset with $framing framing', ({ eol }) => {
    const body = `data: ${first}${eol}${eol}: keep-alive${eol}data: ${second}${eol}${eol}`;
    const offsets = [...Array(body.length + 1).keys()];
    const results = offsets.map((offset) => ({ offset, items: decode([body.slice(0, offset), body.slice(offset)]) }));
    expect(results).toEqual(offsets.map((offset) => ({ offset, items: [data(first), data(second)] })));
  });

  it('gives the same events when split between \\r and \\n of every line end', () => {
    const offsets = [...crlfBody.matchAll(/\r\n/g)].map((match) => (match.index ?? 0) + 1);
    expect(offsets).toHaveLength(5);
    for (const offset of offsets) {
      expect(crlfBody[offset - 1]).toBe('\r');
      expect(decode([crlfBody.slice(0, offset), crlfBody.slice(offset)])).toEqual([data(first), data(second)]);
    }
  });

  const lines = [
    { name: 'joins multi-line data with \\n', body: 'data: {"a":\ndata: 1}\n\n', expected: [data('{"a":\n1}')] },
    { name: 'keeps data without the optional space', body: 'data:x\n\n', expected: [data('x')] },
    { name: 'strips only one leading space', body: 'data:  x\n\n', expected: [data(' x')] },
    {
      name: 'ignores comments and event, id and retry lines',
      body: ': ping\nevent: message\nid: 7\nretry: 1000\ndata: x\n\n:\n\n',
      expected: [data('x')],
    },
    { name: 'dispatches nothing for blank lines alone', body: '\n\n\r\n', expected: [] },
    { name: 'flushes an unterminated last event at end()', body: 'data: a\n\ndata: b', expected: [data('a'), data('b')] },
    { name: 'flushes a last event missing its blank line at end()', body: 'data: a\r\n', expected: [data('a')] },
    { name: 'flushes an unterminated CR-framed last event at end()', body: 'data: a\r', expected: [data('a')] },
  ];
  it.each(lines)('$name', ({ body, expected }) => {
    expect(decode([body])).toEqual(expected);
  });

  it('surfaces a bare pretty-printed JSON error as one raw item at end()', () => {
    const error = { error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } };
    const pretty = JSON.stringify(error, null, 2);
    const decoder = new SseDecoder();
    expect(decoder.push(`data: ${first}\r\n\r\n`)).toEqual([data(first)]);
    expect(decoder.push(`${pretty}\n`)).toEqual([]);
    const items = decoder.end();
    expect(items).toEqual([{ kind: 'raw', text: pretty }]);
    const [item] = items;
    expect(item?.kind === 'raw' && JSON.parse(item.text)).toEqual(error);
  });

  it('surfaces a bare JSON error array without a trailing newline as one raw item', () => {
    const body = '[{\n  "error": {\n    "code": 500\n  }\n}\n]';
    expect(decode([body])).toEqual([{ kind: 'raw', text: body }]);
  });

  it('throws SseEventTooLargeError when one data line exceeds maxEventBytes', () => {
    const decoder = new SseDecoder(16);
    expect(() => decoder.push(`data: ${'x'.repeat(32)}\n`)).toThrow(SseEventTooLargeError);
  });

  it('throws SseEventTooLargeError when an unterminated line exceeds maxEventBytes', () => {
    const decoder = new SseDecoder(16);
    expect(decoder.push('data: 0123')).toEqual([]);
    expect(() => decoder.push('456789abcdef')).toThrow(SseEventTooLargeError);
  });

  it('throws SseEventTooLargeError when a multi-line event exceeds maxEventBytes', () => {
    const decoder = new SseDecoder(16);
    decoder.push('data: 12345\n');
    expect(() => decoder.push('data: 67890\ndata: abcde\n')).toThrow(/exceeded 16 bytes/);
  });

  it('accepts many events that are each under maxEventBytes', () => {
    const body = Array.from({ length: 50 }, (_, index) => `data: ${String(index).padStart(4, '0')}\n\n`).join('');
    expect(decode([body], 16)).toHaveLength(50);
  });
});
