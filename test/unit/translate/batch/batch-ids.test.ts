import { batchId, inputFileId, parseBatchId, parseFileId, resultFileId } from '@sidecar/translate/batch/batch-ids';
import { batchDisplayName, inputFileDisplayName, parseBatchDisplayName, parseInputFileDisplayName } from '@sidecar/translate/batch/batch-display-name';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('batch and file ids', () => {
  it('round-trips Gemini names through opaque OpenAI ids', () => {
    expect(parseFileId(inputFileId('files/abc-123'))).toEqual({ kind: 'input', file: 'files/abc-123' });
    expect(parseFileId(resultFileId('output', 'batches/xyz'))).toEqual({ kind: 'output', batch: 'batches/xyz' });
    expect(parseFileId(resultFileId('error', 'batches/xyz'))).toEqual({ kind: 'error', batch: 'batches/xyz' });
    expect(parseBatchId(batchId('batches/q_1-2'))).toBe('batches/q_1-2');
    expect(inputFileId('files/abc')).toMatch(/^file-[A-Za-z0-9_-]+$/);
    expect(batchId('batches/abc')).toMatch(/^batch_[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['a foreign prefix', 'file-abc'],
    ['a path escape', `file-${b64('files/../models/x')}`],
    ['a batch posing as a file', `file-${b64('batches/x')}`],
    ['a view of a file', `file-${b64('out:files/x')}`],
    ['a query string', `file-${b64('files/x?alt=media')}`],
    ['characters outside base64url', 'file-a/b'],
    ['a batch id with another prefix', 'batch-abc'],
  ])('rejects %s', (_name, id) => {
    expect(id.startsWith('batch') ? parseBatchId(id) : parseFileId(id)).toBeUndefined();
  });

  it('rejects a batch id naming a file', () => {
    expect(parseBatchId(`batch_${b64('files/x')}`)).toBeUndefined();
  });
});

describe('display names', () => {
  const facts = { endpoint: '/v1/chat/completions' as const, model: 'gpt-4o', geminiModel: 'gemini-2.5-flash', lines: 3, invalid: 1, requests: 3 };

  it('carries the facts of an input file and a batch', () => {
    const name = inputFileDisplayName({ ...facts, filename: 'in "put".jsonl', bytes: 42 })!;
    expect(parseInputFileDisplayName(name)).toEqual({ ...facts, filename: 'in "put".jsonl', bytes: 42 });
    expect(parseBatchDisplayName(batchDisplayName(facts))).toEqual(facts);
  });

  it('cuts a long file name to Gemini\'s 512-character limit, escapes included', () => {
    const name = inputFileDisplayName({ ...facts, filename: '"'.repeat(1000), bytes: 1 })!;
    expect(name.length).toBeLessThanOrEqual(512);
    expect(parseInputFileDisplayName(name)!.filename).toMatch(/^"+$/);
  });

  it('ignores display names the sidecar did not write', () => {
    expect(parseInputFileDisplayName('my file')).toBeUndefined();
    expect(parseBatchDisplayName('openai-batch:{"e":"/v1/moderations"}')).toBeUndefined();
    expect(parseBatchDisplayName(null)).toBeUndefined();
  });
});
