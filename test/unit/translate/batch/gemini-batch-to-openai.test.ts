import { batchDisplayName, type BatchInputFacts } from '@sidecar/translate/batch/batch-display-name';
import { parseFileId } from '@sidecar/translate/batch/batch-ids';
import { geminiBatchOperationSchema, geminiBatchToOpenAI, readGeminiBatch } from '@sidecar/translate/batch/gemini-batch-to-openai';

const FACTS: BatchInputFacts = { endpoint: '/v1/chat/completions', model: 'my-model', geminiModel: 'gemini-2.5-flash', lines: 10, invalid: 0, requests: 10 };

function operation(state: string, stats: Record<string, string> = {}, facts: BatchInputFacts = FACTS, extra: Record<string, unknown> = {}) {
  return geminiBatchOperationSchema.parse({
    name: 'batches/abc',
    metadata: {
      displayName: batchDisplayName(facts),
      state,
      createTime: '2026-12-01T10:00:00Z',
      updateTime: '2026-12-01T10:05:00Z',
      ...(state.endsWith('PENDING') || state.endsWith('RUNNING') ? {} : { endTime: '2026-12-01T11:00:00Z' }),
      inputConfig: { fileName: 'files/in1' },
      batchStats: stats,
      ...(state.endsWith('SUCCEEDED') ? { output: { responsesFile: 'files/batch-out' } } : {}),
    },
    ...extra,
  });
}

function translate(state: string, stats: Record<string, string> = {}, facts?: BatchInputFacts, options = {}) {
  return geminiBatchToOpenAI(readGeminiBatch(operation(state, stats, facts))!, options);
}

describe('Gemini batch → OpenAI batch', () => {
  it.each([
    ['BATCH_STATE_PENDING', 'in_progress'],
    ['BATCH_STATE_RUNNING', 'in_progress'],
    ['BATCH_STATE_SUCCEEDED', 'completed'],
    ['BATCH_STATE_FAILED', 'failed'],
    ['BATCH_STATE_CANCELLED', 'cancelled'],
    ['BATCH_STATE_EXPIRED', 'expired'],
    ['JOB_STATE_SUCCEEDED', 'completed'],
    ['BATCH_STATE_SOMETHING_NEW', 'in_progress'],
  ])('maps %s to %s', (state, status) => {
    expect(translate(state, { requestCount: '10', successfulRequestCount: '10' }).status).toBe(status);
  });

  it('reads int64 counts sent as strings and left out when zero', () => {
    expect(translate('BATCH_STATE_RUNNING', { requestCount: '10', successfulRequestCount: '4', pendingRequestCount: '6' }).request_counts).toEqual({ total: 10, completed: 4, failed: 0 });
  });

  it('counts lines the sidecar could not translate as failed, and takes their placeholders out of the successes', () => {
    const facts = { ...FACTS, invalid: 2 };
    const batch = translate('BATCH_STATE_SUCCEEDED', { requestCount: '10', successfulRequestCount: '9', failedRequestCount: '1' }, facts);
    expect(batch.request_counts).toEqual({ total: 10, completed: 7, failed: 3 });
    expect(parseFileId(batch.output_file_id!)).toEqual({ kind: 'output', batch: 'batches/abc' });
    expect(parseFileId(batch.error_file_id!)).toEqual({ kind: 'error', batch: 'batches/abc' });
  });

  it('scales Gemini requests back to lines when embeddings lines held several inputs', () => {
    const facts: BatchInputFacts = { ...FACTS, endpoint: '/v1/embeddings', lines: 2, requests: 6 };
    expect(translate('BATCH_STATE_SUCCEEDED', { requestCount: '6', successfulRequestCount: '6' }, facts).request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
  });

  it('names no output file when nothing succeeded and no error file when nothing failed', () => {
    const all = translate('BATCH_STATE_SUCCEEDED', { requestCount: '10', successfulRequestCount: '10' });
    expect(all.error_file_id).toBeNull();
    expect(all.output_file_id).not.toBeNull();
    const running = translate('BATCH_STATE_RUNNING', { requestCount: '10', successfulRequestCount: '3' });
    expect([running.output_file_id, running.error_file_id]).toEqual([null, null]);
  });

  it('fills the timestamps OpenAI clients read', () => {
    const done = translate('BATCH_STATE_SUCCEEDED', { requestCount: '10', successfulRequestCount: '10' });
    const created = Date.parse('2026-12-01T10:00:00Z') / 1000;
    const ended = Date.parse('2026-12-01T11:00:00Z') / 1000;
    expect(done).toMatchObject({ created_at: created, expires_at: created + 86_400, completed_at: ended, finalizing_at: ended, failed_at: null, cancelled_at: null });
    expect(done).toMatchObject({ model: 'my-model', endpoint: '/v1/chat/completions', completion_window: '24h', object: 'batch' });
    expect(parseFileId(done.input_file_id)).toEqual({ kind: 'input', file: 'files/in1' });
  });

  it('reports cancelling right after a cancel Gemini has not finished, and a failed batch\'s error', () => {
    expect(translate('BATCH_STATE_RUNNING', {}, FACTS, { cancelling: true }).status).toBe('cancelling');
    expect(translate('BATCH_STATE_SUCCEEDED', { successfulRequestCount: '10' }, FACTS, { cancelling: true }).status).toBe('completed');
    const failed = geminiBatchToOpenAI(readGeminiBatch(operation('BATCH_STATE_FAILED', {}, FACTS, { error: { code: 3, message: 'bad input file' } }))!);
    expect(failed.errors).toEqual({ object: 'list', data: [{ code: 'batch_failed', message: 'bad input file', param: null, line: null }] });
  });

  it('ignores batches the sidecar did not create', () => {
    expect(readGeminiBatch(geminiBatchOperationSchema.parse({ name: 'batches/x', metadata: { displayName: 'someone else', state: 'BATCH_STATE_RUNNING' } }))).toBeUndefined();
  });
});
