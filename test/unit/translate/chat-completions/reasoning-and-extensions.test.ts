import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import { openAIChatRequestSchema } from '@sidecar/translate/chat-completions/openai-chat-schema';
import { openaiRequestToGemini } from '@sidecar/translate/chat-completions/openai-request-to-gemini';

const hi = [{ role: 'user', content: 'hi' }];

function generationConfig(body: Record<string, unknown>) {
  return openaiRequestToGemini(openAIChatRequestSchema.parse({ messages: hi, ...body })).geminiRequest.generationConfig;
}

describe('reasoning_effort → thinkingConfig per model family', () => {
  it.each([
    { model: 'gemini-2.5-flash', effort: 'none', expected: { thinkingBudget: 0 } },
    { model: 'gemini-2.5-flash', effort: 'minimal', expected: { thinkingBudget: 1024 } },
    { model: 'gemini-2.5-flash', effort: 'low', expected: { thinkingBudget: 1024 } },
    { model: 'gemini-2.5-flash', effort: 'medium', expected: { thinkingBudget: 8192 } },
    { model: 'gemini-2.5-flash', effort: 'high', expected: { thinkingBudget: 24576 } },
    { model: 'gemini-2.5-pro', effort: 'none', expected: { thinkingBudget: 128 } },
    { model: 'gemini-2.5-flash-lite', effort: 'none', expected: { thinkingBudget: 0 } },
    { model: 'gemini-3-flash-preview', effort: 'none', expected: { thinkingLevel: 'MINIMAL' } },
    { model: 'gemini-3-flash-preview', effort: 'minimal', expected: { thinkingLevel: 'MINIMAL' } },
    { model: 'gemini-3-flash-preview', effort: 'medium', expected: { thinkingLevel: 'MEDIUM' } },
    { model: 'gemini-3.1-flash-lite', effort: 'low', expected: { thinkingLevel: 'LOW' } },
    { model: 'gemini-3-pro-preview', effort: 'minimal', expected: { thinkingLevel: 'LOW' } },
    { model: 'gemini-3-pro-preview', effort: 'medium', expected: { thinkingLevel: 'HIGH' } },
    { model: 'gemini-3.1-pro-preview', effort: 'medium', expected: { thinkingLevel: 'MEDIUM' } },
    { model: 'gemini-3.1-pro-preview', effort: 'high', expected: { thinkingLevel: 'HIGH' } },
  ])('$model with $effort → $expected', ({ model, effort, expected }) => {
    expect(generationConfig({ model, reasoning_effort: effort })?.thinkingConfig).toEqual(expected);
  });

  it('rejects an unknown effort with param reasoning_effort', () => {
    expect(() => generationConfig({ model: 'gemini-2.5-flash', reasoning_effort: 'extreme' })).toThrow(InvalidRequestError);
  });

  it('drops reasoning_effort with a warning for a model without thinking knobs', () => {
    const translated = openaiRequestToGemini(openAIChatRequestSchema.parse({ model: 'gemma-3-27b-it', messages: hi, reasoning_effort: 'low' }));
    expect(translated.geminiRequest.generationConfig).toBeUndefined();
    expect(translated.warnings).toEqual(['reasoning_effort']);
  });
});

describe('extra_body.google and the top-level google key', () => {
  it.each([
    { where: 'extra_body.google', body: (google: unknown) => ({ extra_body: { google } }) },
    { where: 'top-level google (Python SDK merge)', body: (google: unknown) => ({ google }) },
  ])('reads $where', ({ body }) => {
    const translated = openaiRequestToGemini(
      openAIChatRequestSchema.parse({
        model: 'gemini-2.5-flash',
        messages: hi,
        reasoning_effort: 'high',
        ...body({
          cached_content: 'cachedContents/abc',
          safety_settings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
          thinking_config: { thinking_budget: 512, include_thoughts: true },
          response_modalities: ['text'],
          brand_new: 1,
        }),
      }),
    );
    expect(translated.geminiRequest).toMatchObject({
      cachedContent: 'cachedContents/abc',
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      generationConfig: { thinkingConfig: { thinkingBudget: 512, includeThoughts: true }, responseModalities: ['TEXT'] },
    });
    expect(translated.warnings).toEqual(expect.arrayContaining(['reasoning_effort', expect.stringMatching(/brand_new$/)]));
  });

  it('maps thinking_level in either case and refuses it together with a budget', () => {
    expect(generationConfig({ model: 'gemini-3-flash-preview', google: { thinking_config: { thinking_level: 'low' } } })?.thinkingConfig).toEqual({
      thinkingLevel: 'LOW',
    });
    expect(() =>
      generationConfig({ model: 'gemini-3-flash-preview', google: { thinking_config: { thinking_level: 'low', thinking_budget: 10 } } }),
    ).toThrow(expect.objectContaining({ param: 'google.thinking_config' }) as unknown as Error);
  });

  it('maps image_config to camelCase', () => {
    expect(generationConfig({ model: 'gemini-2.5-flash-image', google: { image_config: { aspect_ratio: '16:9' } } })).toEqual({
      responseModalities: ['TEXT', 'IMAGE'],
      imageConfig: { aspectRatio: '16:9' },
    });
  });
});

describe('other Gemini knobs', () => {
  const translate = (body: Record<string, unknown>) =>
    openaiRequestToGemini(openAIChatRequestSchema.parse({ model: 'gemini-2.5-flash', messages: hi, ...body }));

  it('maps logprobs / top_logprobs to responseLogprobs / logprobs', () => {
    expect(translate({ logprobs: true, top_logprobs: 3 }).geminiRequest.generationConfig).toEqual({ responseLogprobs: true, logprobs: 3 });
  });

  it('maps web_search_options to the googleSearch tool', () => {
    expect(translate({ web_search_options: {} }).geminiRequest.tools).toEqual([{ googleSearch: {} }]);
  });

  it.each([
    { tier: 'flex', expected: 'flex' },
    { tier: 'priority', expected: 'priority' },
    { tier: 'default', expected: undefined },
    { tier: 'auto', expected: undefined },
  ])('maps service_tier $tier', ({ tier, expected }) => {
    expect(translate({ service_tier: tier }).geminiRequest.serviceTier).toBe(expected);
  });

  it('asks image models for text and images, and honours explicit modalities', () => {
    const image = (body: Record<string, unknown>) =>
      openaiRequestToGemini(openAIChatRequestSchema.parse({ model: 'gemini-2.5-flash-image-preview', messages: hi, ...body })).geminiRequest
        .generationConfig?.responseModalities;
    expect(image({})).toEqual(['TEXT', 'IMAGE']);
    expect(image({ modalities: ['image'] })).toEqual(['IMAGE']);
    expect(() => image({ modalities: ['audio'] })).toThrow(expect.objectContaining({ param: 'modalities' }) as unknown as Error);
  });
});
