import { EFFORTS, openaiReasoningToGemini, thinkingConfigFor } from '@sidecar/translate/chat-completions/openai-reasoning-to-gemini';
import type { CapabilityRow } from '@sidecar/translate/models/capability-types';
import { MODEL_CAPABILITY_TABLE } from '@sidecar/translate/models/model-capability-table';
import { capabilitiesFor, globMatches, refineCapabilities } from '@sidecar/translate/models/model-capabilities';

describe('the model capability table', () => {
  it('cites a source for every row and names a family every row matches itself', () => {
    for (const row of MODEL_CAPABILITY_TABLE) {
      expect(row.source).toMatch(/^https:\/\//);
      expect(capabilitiesFor(row.family).capabilities.family).toBe(row.family);
    }
  });

  // Every family × every reasoning_effort: the thinkingConfig sent must be one the model accepts.
  const cases = MODEL_CAPABILITY_TABLE.flatMap((row) => EFFORTS.map((effort) => [row.family, effort, row] as const));
  it.each(cases)('%s with reasoning_effort %s maps to something the model accepts', (_family, effort, row) => {
    const config = thinkingConfigFor(effort, row.thinking);
    switch (row.thinking.kind) {
      case 'level':
        expect(config?.thinkingBudget).toBeUndefined();
        expect(row.thinking.levels).toContain(config?.thinkingLevel);
        break;
      case 'budget': {
        const budget = config?.thinkingBudget;
        expect(config?.thinkingLevel).toBeUndefined();
        if (budget === 0) expect(row.thinking.canDisable).toBe(true);
        else {
          expect(budget).toBeGreaterThanOrEqual(row.thinking.min);
          expect(budget).toBeLessThanOrEqual(row.thinking.max);
        }
        break;
      }
      case 'none':
        expect(config).toBeUndefined();
    }
  });

  it.each([
    ['gemini-4-argon', 'minimal', { thinkingLevel: 'LOW' }],
    ['gemini-4-argon', 'none', { thinkingLevel: 'LOW' }],
    ['gemini-4-argon', 'medium', { thinkingLevel: 'MEDIUM' }],
    ['gemini-4-argon', 'xhigh', { thinkingLevel: 'HIGH' }],
    ['gemini-3.8-flash', 'minimal', { thinkingLevel: 'LOW' }],
    ['gemini-3.6-flash', 'minimal', { thinkingLevel: 'MINIMAL' }],
    ['gemini-3-flash-preview', 'none', { thinkingLevel: 'MINIMAL' }],
    ['gemini-3-pro-preview', 'medium', { thinkingLevel: 'HIGH' }],
    ['gemini-3.1-pro-preview', 'medium', { thinkingLevel: 'MEDIUM' }],
    ['gemini-3.1-pro-preview', 'minimal', { thinkingLevel: 'LOW' }],
    ['gemini-2.5-pro', 'none', { thinkingBudget: 128 }],
    ['gemini-2.5-flash', 'none', { thinkingBudget: 0 }],
    ['gemini-2.5-flash', 'high', { thinkingBudget: 24576 }],
    ['gemini-2.5-flash-lite', 'minimal', { thinkingBudget: 1024 }],
  ])('%s + %s → %j', (model, effort, expected) => {
    const warnings: string[] = [];
    expect(openaiReasoningToGemini(effort, capabilitiesFor(model).capabilities.thinking, warnings)).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('reports reasoning_effort as ignored on models without a thinking knob', () => {
    const warnings: string[] = [];
    expect(openaiReasoningToGemini('high', capabilitiesFor('gemini-2.5-flash-image').capabilities.thinking, warnings)).toBeUndefined();
    expect(warnings).toEqual(['reasoning_effort']);
  });
});

describe('capabilitiesFor', () => {
  it.each([
    ['gemini-4-argon', 'gemini-4-argon', 'exact'],
    ['gemini-flash-latest', 'gemini-3.8-flash', 'exact'],
    ['gemini-3.8-flash-preview-11-2026', 'gemini-3.8-flash', 'exact'],
    ['gemini-3.1-pro-preview-customtools', 'gemini-3.1-pro', 'exact'],
    ['gemini-3.9-flash', 'gemini-3.8-flash', 'nearest'],
    ['gemini-3.9-flash-lite', 'gemini-3.5-flash-lite', 'nearest'],
    ['gemini-5-argon', 'gemini-4-argon', 'nearest'],
    ['gemini-4.5-pro', 'gemini-3.1-pro', 'nearest'],
    ['gemini-3.9-pro-image', 'gemini-3-pro-image', 'nearest'],
    ['gemini-9-flash-tts', 'gemini-3.8-flash-tts', 'exact'],
  ])('%s → family %s (%s)', (model, family, matched) => {
    const resolved = capabilitiesFor(model);
    expect(resolved.capabilities.family).toBe(family);
    expect(resolved.matched).toBe(matched);
  });

  it('gives an id that is no gemini-<version> conservative defaults: no thinking, OpenAPI schemas, fan-out for n', () => {
    const resolved = capabilitiesFor('my-tuned-model');
    expect(resolved.matched).toBe('nearest');
    expect(resolved.capabilities).toMatchObject({ thinking: { kind: 'none' }, schemaDialect: 'openapi', multipleCandidates: false });
  });

  it('lets operator rows come first', () => {
    const override: CapabilityRow = { ...capabilitiesFor('gemini-3.8-flash').capabilities, match: ['gemini-3.8-flash'], family: 'ops', sampling: 'honoured' };
    expect(capabilitiesFor('gemini-3.8-flash', [override]).capabilities).toMatchObject({ family: 'ops', sampling: 'honoured' });
    expect(capabilitiesFor('gemini-3.8-flash').capabilities.sampling).toBe('ignored');
  });

  it('is refined by models.get facts: a model that says it does not think gets no knob, limits from Gemini win', () => {
    const base = capabilitiesFor('gemini-3.9-flash').capabilities;
    const refined = refineCapabilities(base, { thinking: false, outputTokenLimit: 8192 });
    expect(refined.thinking).toEqual({ kind: 'none' });
    expect(refined.outputTokenLimit).toBe(8192);
    expect(refineCapabilities(base, { thinking: true })).toEqual(base);
  });

  it('matches globs literally apart from *', () => {
    expect(globMatches('gemini-3.8-flash*', 'gemini-3.8-flash-001')).toBe(true);
    expect(globMatches('gemini-3.8-flash*', 'gemini-3x8-flash')).toBe(false);
    expect(globMatches('gemini-*-tts*', 'gemini-2.5-pro-preview-tts')).toBe(true);
  });
});
