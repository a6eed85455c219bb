import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { requestToVertexLabels, vertexLabelValue } from '@sidecar/translate/vertex-labels';

const LABELS = { user: 'user', safetyIdentifier: 'safety', metadata: ['Team'], headers: { 'X-Consumer-Username': 'consumer' }, static: { env: 'prod' } };

describe('Vertex labels for cost attribution (vertex.labels)', () => {
  let vertex: SdkHarness;
  let developer: SdkHarness;

  beforeAll(async () => {
    vertex = await startSdkHarness('/v1', 'k', { backend: 'vertex', vertex: { labels: { ...LABELS } } });
    developer = await startSdkHarness('/v1', 'k', { vertex: { labels: { ...LABELS } } });
  });
  afterAll(async () => {
    await vertex.close();
    await developer.close();
  });

  it('labels a chat call from user, metadata, an ingress header and the static set, values made valid; those params are not reported ignored', async () => {
    const { data, response } = await vertex.client.chat.completions
      .create(
        { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], user: 'Alice@Example.com', metadata: { Team: 'Search Ranking', other: 'x' } },
        { headers: { 'x-consumer-username': 'Kong-Consumer' } },
      )
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: hi');
    expect((vertex.harness.emulator.lastRequest()!.body as { labels?: unknown }).labels).toEqual({
      env: 'prod',
      user: 'alice_example_com',
      team: 'search_ranking',
      consumer: 'kong-consumer',
    });
    expect(response.headers.get('x-sidecar-ignored-params') ?? '').not.toMatch(/user|metadata/);
  });

  it('labels streamed Responses calls with safety_identifier', async () => {
    const stream = await vertex.client.responses.create({ model: 'gemini-2.5-flash', input: 'hello', safety_identifier: 'hashed-user-42', stream: true });
    for await (const _event of stream) {
      // drain
    }
    const sent = vertex.harness.emulator.lastRequest()!;
    expect(sent.path).toContain(':streamGenerateContent?alt=sse');
    expect((sent.body as { labels?: unknown }).labels).toEqual({ env: 'prod', safety: 'hashed-user-42' });
  });

  it('sends no labels to the Developer API, which has none, and reports user as ignored there', async () => {
    const { response } = await developer.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], user: 'alice' }).withResponse();
    expect(developer.harness.emulator.lastRequest()!.body).not.toHaveProperty('labels');
    expect(response.headers.get('x-sidecar-ignored-params')).toContain('user');
  });

  it('builds labels within Vertex\'s rules', () => {
    expect(vertexLabelValue('Ünïcode ÄND spaces/slashes'.repeat(4))).toMatch(/^[\p{Ll}\p{Lo}0-9_-]{1,63}$/u);
    // 64 static labels leave no room: user is not added, and so still reported as ignored.
    const many = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`k${index}`, 'v']));
    const { labels, used } = requestToVertexLabels({ ...LABELS, static: many }, { user: 'u', headers: {} });
    expect(Object.keys(labels)).toHaveLength(64);
    expect(labels).not.toHaveProperty('user');
    expect(used).toEqual([]);
  });
});
