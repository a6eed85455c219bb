import { openaiEmbeddingsToGemini } from '@sidecar/translate/embeddings/openai-embeddings-to-gemini';
import { geminiEmbedBatchesToVertexPredict, vertexEmbedInstanceLimit, vertexPredictToGeminiBatch } from '@sidecar/translate/embeddings/vertex-embed-predict';
import { vertexModelsToGemini } from '@sidecar/translate/models/vertex-publisher-models';

describe('embeddings on Vertex :predict', () => {
  it.each([
    { model: 'gemini-embedding-001', limit: 1 },
    { model: 'text-embedding-005', limit: 250 },
    { model: 'text-multilingual-embedding-002', limit: 250 },
  ])('$model takes $limit instances per call', ({ model, limit }) => {
    expect(vertexEmbedInstanceLimit(model)).toBe(limit);
  });

  it('regroups 300 inputs as 250 + 50 instances for text-embedding-005, with task type, title and dimensions', () => {
    const inputs = Array.from({ length: 300 }, (_, index) => `t${index}`);
    const translated = openaiEmbeddingsToGemini({ model: 'text-embedding-005', input: inputs, dimensions: 64, google: { task_type: 'retrieval_document', title: 'Doc' } }, 'text-embedding-005');
    const bodies = geminiEmbedBatchesToVertexPredict(translated.batches, 'text-embedding-005');
    expect(bodies.map((body) => body.instances.length)).toEqual([250, 50]);
    expect(bodies[0]!.instances[0]).toEqual({ content: 't0', task_type: 'RETRIEVAL_DOCUMENT', title: 'Doc' });
    expect(bodies.flatMap((body) => body.instances.map((instance) => instance.content))).toEqual(inputs);
    expect(bodies[1]!.parameters).toEqual({ outputDimensionality: 64 });
  });

  it('reads vectors and sums token_count into usage; without counts, no usage', () => {
    const counted = vertexPredictToGeminiBatch({ predictions: [{ embeddings: { values: [0.1], statistics: { token_count: 2 } } }, { embeddings: { values: [0.2], statistics: { token_count: 3 } } }] });
    expect(counted).toEqual({ embeddings: [{ values: [0.1] }, { values: [0.2] }], usageMetadata: { promptTokenCount: 5 } });
    expect(vertexPredictToGeminiBatch({ predictions: [{ embeddings: { values: [0.1] } }] })).toEqual({ embeddings: [{ values: [0.1] }] });
  });
});

describe('Vertex publisher models', () => {
  it('renames publisherModels to models named models/{id}, keeping the page token', () => {
    expect(vertexModelsToGemini({ publisherModels: [{ name: 'publishers/google/models/gemini-2.5-flash', versionId: '001' }], nextPageToken: 't' })).toEqual({
      models: [{ name: 'models/gemini-2.5-flash', versionId: '001' }],
      nextPageToken: 't',
    });
    expect(vertexModelsToGemini({ name: 'publishers/google/models/gemini-2.5-pro' })).toEqual({ name: 'models/gemini-2.5-pro' });
    expect(vertexModelsToGemini({ models: [{ name: 'models/x' }] })).toEqual({ models: [{ name: 'models/x' }] });
  });
});
