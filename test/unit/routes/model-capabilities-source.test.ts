import { configSchema, type SidecarConfig } from '@sidecar/config/config-schema';
import type { GeminiApi } from '@sidecar/server/app-deps';
import { ModelCapabilitiesSource, overrideRows } from '@sidecar/routes/model-capabilities-source';
import { mergeFannedOutResponses, CandidateFanIn, sumUsage } from '@sidecar/translate/chat-completions/candidate-fan-in';

function fakeDeps(models: Partial<SidecarConfig['models']>, getJson: GeminiApi['getJson']) {
  const lines: Array<{ level: string; fields: unknown; message: string }> = [];
  const log = (level: string) => (fields: unknown, message: string) => lines.push({ level, fields, message });
  const deps = {
    config: configSchema.parse({ models }),
    gemini: { getJson } as unknown as GeminiApi,
    logger: { warn: log('warn'), info: log('info'), debug: log('debug') } as never,
  };
  return { deps, lines };
}

describe('ModelCapabilitiesSource', () => {
  it('warns once for an id the table does not know and refines it from models.get in the background', async () => {
    const asked: string[] = [];
    const { deps, lines } = fakeDeps({}, async (path) => {
      asked.push(path);
      return { name: 'models/gemini-3.9-flash', thinking: false, inputTokenLimit: 2048, outputTokenLimit: 1024 };
    });
    const source = new ModelCapabilitiesSource(deps);

    const first = source.resolve('gemini-3.9-flash', 'k');
    expect(first).toMatchObject({ family: 'gemini-3.8-flash', thinking: { kind: 'level' } });
    await source.settled();
    const second = source.resolve('gemini-3.9-flash', 'k');

    expect(second).toMatchObject({ family: 'gemini-3.8-flash', thinking: { kind: 'none' }, inputTokenLimit: 2048, outputTokenLimit: 1024 });
    expect(asked).toEqual(['models/gemini-3.9-flash']);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('answers a repeated id from its cache, and a new operator table replaces the cached answers', () => {
    const { deps } = fakeDeps({ geminiFacts: 'off' }, async () => ({}));
    const source = new ModelCapabilitiesSource(deps);
    const first = source.resolve('gemini-2.5-flash', 'k');
    expect(source.resolve('gemini-2.5-flash', 'k')).toBe(first);
    expect(first.family).toBe('gemini-2.5-flash');

    const models = configSchema.parse({ models: { geminiFacts: 'off', capabilities: [{ match: ['gemini-2.5-flash'], sampling: 'honoured' }] } }).models;
    (deps as { config: SidecarConfig }).config = { ...deps.config, models };
    expect(source.resolve('gemini-2.5-flash', 'k')).toMatchObject({ family: 'gemini-2.5-flash', sampling: 'honoured', source: 'config models.capabilities' });
  });

  it('asks nothing about models the table knows unless geminiFacts is all, and nothing at all when off', async () => {
    let asked = 0;
    const getJson = async (): Promise<unknown> => {
      asked += 1;
      return {};
    };
    new ModelCapabilitiesSource(fakeDeps({}, getJson).deps).resolve('gemini-2.5-flash', 'k');
    new ModelCapabilitiesSource(fakeDeps({ geminiFacts: 'off' }, getJson).deps).resolve('gemini-3.9-flash', 'k');
    const all = new ModelCapabilitiesSource(fakeDeps({ geminiFacts: 'all' }, getJson).deps);
    all.resolve('gemini-2.5-flash', 'k');
    await all.settled();

    expect(asked).toBe(1);
  });

  it('keeps the table when models.get fails, and does not ask again at once', async () => {
    let asked = 0;
    const { deps } = fakeDeps({}, async () => {
      asked += 1;
      throw new Error('404');
    });
    const source = new ModelCapabilitiesSource(deps);
    source.resolve('gemini-3.9-flash', 'k');
    await source.settled();

    expect(source.resolve('gemini-3.9-flash', 'k').thinking.kind).toBe('level');
    expect(asked).toBe(1);
  });

  it('puts operator rows first, filling what they leave out from `like`', () => {
    const [row] = overrideRows(configSchema.parse({ models: { capabilities: [{ match: ['gemini-5-flash*'], like: 'gemini-3.6-flash', sampling: 'honoured' }] } }).models.capabilities);
    const { deps } = fakeDeps({ capabilities: [{ match: ['gemini-5-flash*'], like: 'gemini-3.6-flash', sampling: 'honoured' }] }, async () => ({}));

    expect(row).toMatchObject({ match: ['gemini-5-flash*'], sampling: 'honoured', penalties: 'rejected', thinking: { kind: 'level', levels: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] } });
    expect(new ModelCapabilitiesSource(deps).resolve('gemini-5-flash-001', 'k')).toMatchObject({ family: 'gemini-5-flash*', sampling: 'honoured' });
  });
});

describe('candidate fan-in', () => {
  it('sums usage counts that any call reports and leaves absent ones absent', () => {
    expect(sumUsage([{ promptTokenCount: 3, totalTokenCount: 5 }, { promptTokenCount: 4, totalTokenCount: 6, thoughtsTokenCount: 2 }, null])).toEqual({
      promptTokenCount: 7,
      thoughtsTokenCount: 2,
      totalTokenCount: 11,
    });
  });

  it('merges unary answers: candidate i from call i, a blocked call keeps its choice as SAFETY', () => {
    const merged = mergeFannedOutResponses([
      { candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 2 }, responseId: 'r1' },
      { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 2 } },
    ]);

    expect(merged.candidates).toEqual([
      { content: { parts: [{ text: 'a' }] }, finishReason: 'STOP', index: 0 },
      { index: 1, content: null, finishReason: 'SAFETY' },
    ]);
    expect(merged.usageMetadata).toEqual({ promptTokenCount: 4 });
    expect(merged.responseId).toBe('r1');
  });

  it('relabels stream chunks by call and carries the sum of each stream’s latest cumulative usage', () => {
    const fanIn = new CandidateFanIn(2);
    fanIn.relabel(0, { candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }], usageMetadata: { candidatesTokenCount: 1 } });
    const second = fanIn.relabel(1, { candidates: [{ content: { parts: [{ text: 'b' }] }, index: 0 }], usageMetadata: { candidatesTokenCount: 5 } });
    const third = fanIn.relabel(0, { candidates: [{ content: { parts: [{ text: 'c' }] }, index: 0 }], usageMetadata: { candidatesTokenCount: 2 } });

    expect(second.candidates?.[0]?.index).toBe(1);
    expect(second.usageMetadata).toEqual({ candidatesTokenCount: 6 });
    expect(third.usageMetadata).toEqual({ candidatesTokenCount: 7 });
  });
});
