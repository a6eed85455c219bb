import { geminiModelToOpenAI, openAIModelList } from '@sidecar/translate/models/gemini-models-to-openai';
import { resolveModel, withAliasDefaults } from '@sidecar/translate/model-alias';

describe('Gemini models → OpenAI models', () => {
  it('strips models/ and keeps Gemini facts in snake_case', () => {
    expect(
      geminiModelToOpenAI({
        name: 'models/gemini-2.5-flash',
        displayName: 'Gemini 2.5 Flash',
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ['generateContent'],
      }),
    ).toEqual({
      id: 'gemini-2.5-flash',
      object: 'model',
      created: 0,
      owned_by: 'google',
      display_name: 'Gemini 2.5 Flash',
      input_token_limit: 1048576,
      output_token_limit: 65536,
      supported_generation_methods: ['generateContent'],
    });
  });

  it('lists aliases after the Gemini models, unless Gemini already lists the name', () => {
    const list = openAIModelList([{ name: 'models/gemini-2.5-flash' }, { name: 'models/gpt-4o-mini' }], {
      'gpt-4o-mini': { model: 'gemini-2.5-flash' },
      'text-embedding-004': { model: 'gemini-embedding-001', dimensions: 768 },
    });
    expect(list.object).toBe('list');
    expect(list.data.map((model) => [model.id, model.alias_for])).toEqual([
      ['gemini-2.5-flash', undefined],
      ['gpt-4o-mini', undefined],
      ['text-embedding-004', 'gemini-embedding-001'],
    ]);
  });
});

describe('model aliases', () => {
  const aliases = {
    'gpt-4o-mini': { model: 'gemini-2.5-flash', parameters: { temperature: 0.2 } },
    'gemini-2.5-flash-image-preview': { model: 'models/gemini-2.5-flash-image' },
  };
  it.each([
    { requested: 'gpt-4o-mini', model: 'gemini-2.5-flash', aliased: true },
    { requested: 'models/gemini-2.5-flash-image-preview', model: 'gemini-2.5-flash-image', aliased: true },
    { requested: 'google/gemini-2.5-pro', model: 'gemini-2.5-pro', aliased: false },
  ])('resolves $requested → $model', ({ requested, model, aliased }) => {
    const resolved = resolveModel(requested, aliases);
    expect(resolved.model).toBe(model);
    expect(resolved.alias !== undefined).toBe(aliased);
  });

  it('applies alias parameters under the request: the request always wins', () => {
    const alias = aliases['gpt-4o-mini'];
    expect(withAliasDefaults({ model: 'x' }, alias)).toEqual({ temperature: 0.2, model: 'x' });
    expect(withAliasDefaults({ model: 'x', temperature: 1 }, alias)).toEqual({ temperature: 1, model: 'x' });
  });
});
