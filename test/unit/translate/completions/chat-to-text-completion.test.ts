import { ChatChunkToTextCompletion, chatCompletionToTextChoices, chatLogprobsToCompletion } from '@sidecar/translate/completions/chat-to-text-completion';
import { openaiCompletionsToChat } from '@sidecar/translate/completions/openai-completions-to-chat';
import type { OpenAIChatCompletionChunk } from '@sidecar/translate/chat-completions/openai-chat-response';

const chunk = (index: number, content: string | undefined, finish: 'stop' | null = null): OpenAIChatCompletionChunk => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index, delta: content === undefined ? {} : { content }, logprobs: null, finish_reason: finish }],
});

describe('chat → text_completion', () => {
  it('offsets logprob tokens by the echoed prompt and each token before', () => {
    const logprobs = { content: [{ token: 'Hi', logprob: -1, bytes: [], top_logprobs: [{ token: 'Hi', logprob: -1, bytes: [] }, { token: 'Yo', logprob: -2, bytes: [] }] }, { token: ' there', logprob: -0.5, bytes: [], top_logprobs: [] }], refusal: [] };
    expect(chatLogprobsToCompletion(logprobs, 4)).toEqual({ tokens: ['Hi', ' there'], token_logprobs: [-1, -0.5], top_logprobs: [{ Hi: -1, Yo: -2 }, {}], text_offset: [4, 6] });
  });

  it('places choices at prompt × n + j with the echo in front', () => {
    const completion = { id: 'chatcmpl-x', object: 'chat.completion' as const, created: 1, model: 'm', usage: {} as never, choices: [0, 1].map((index) => ({ index, message: { role: 'assistant' as const, content: `c${index}`, refusal: null }, logprobs: null, finish_reason: 'stop' as const })) };
    expect(chatCompletionToTextChoices(completion, { promptIndex: 2, n: 2, echo: 'P:' }).map((choice) => [choice.index, choice.text])).toEqual([[4, 'P:c0'], [5, 'P:c1']]);
  });

  it('streams the echo once per choice, skips empty deltas and keeps the finish chunk', () => {
    const renderer = new ChatChunkToTextCompletion({ promptIndex: 1, n: 1, echo: 'E' });
    expect(renderer.push(chunk(0, 'a'))?.choices).toEqual([{ text: 'Ea', index: 1, logprobs: null, finish_reason: null }]);
    expect(renderer.push(chunk(0, 'b'))?.choices[0]!.text).toBe('b');
    expect(renderer.push(chunk(0, undefined))).toBeUndefined();
    expect(renderer.push(chunk(0, undefined, 'stop'))).toMatchObject({ id: 'cmpl-abc', object: 'text_completion', choices: [{ text: '', finish_reason: 'stop' }] });
  });
});

describe('openaiCompletionsToChat', () => {
  it('copies only the fields the caller set; 0 and false are kept', () => {
    const { chatRequests } = openaiCompletionsToChat({ model: 'm', prompt: 'p', temperature: 0, echo: false, max_tokens: 5 });
    expect(chatRequests[0]).toEqual({ model: 'm', max_tokens: 5, reasoning_effort: 'none', temperature: 0, messages: [{ role: 'user', content: 'p' }] });
  });

  it('reports max_tokens 0 and sends 1', () => {
    const result = openaiCompletionsToChat({ model: 'm', prompt: 'p', max_tokens: 0 });
    expect(result.chatRequests[0]!.max_tokens).toBe(1);
    expect(result.warnings).toEqual(['max_tokens']);
  });
});
