import { redactingStream } from '@sidecar/server/redact-stream';

async function run(chunks: string[], secrets: string[]): Promise<{ output: string; pieces: string[] }> {
  const stream = redactingStream(secrets);
  const pieces: string[] = [];
  stream.on('data', (chunk: Buffer) => pieces.push(chunk.toString()));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const chunk of chunks) stream.write(Buffer.from(chunk));
  stream.end();
  await ended;
  return { output: pieces.join(''), pieces };
}

describe('redactingStream', () => {
  it.each([
    { name: 'a secret inside one chunk', chunks: ['a AIzaSECRET1234 b'] },
    { name: 'a secret split across chunks', chunks: ['error: AIza', 'SECRET', '1234 end'] },
    { name: 'a secret split byte by byte', chunks: [...'x AIzaSECRET1234 y'] },
    { name: 'two occurrences', chunks: ['AIzaSECRET1234|AIzaSECRET1234'] },
  ])('replaces $name', async ({ chunks }) => {
    const { output } = await run(chunks, ['AIzaSECRET1234']);
    expect(output).not.toContain('AIzaSECRET1234');
    expect(output).toContain('[redacted]');
    expect(output.replaceAll('[redacted]', 'AIzaSECRET1234')).toBe(chunks.join(''));
  });

  it('passes an SSE event on at once when its tail cannot start a secret', async () => {
    const { pieces } = await run(['data: {"a":1}\r\n\r\n', 'data: {"b":2}\r\n\r\n'], ['AIzaSECRET1234']);
    expect(pieces[0]).toBe('data: {"a":1}\r\n\r\n');
  });
});
