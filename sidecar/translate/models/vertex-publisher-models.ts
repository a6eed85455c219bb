type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `publishers/google/models/gemini-2.5-flash` → `models/gemini-2.5-flash`, the name the rest of the sidecar reads. */
function publisherModelToGemini(model: unknown): unknown {
  if (!isRecord(model) || typeof model.name !== 'string') return model;
  const id = model.name.replace(/^publishers\/[^/]+\/models\//, '');
  return { ...model, name: `models/${id}` };
}

/**
 * A Vertex publisher-model answer in Developer-API form: `GET v1beta1/publishers/google/models` answers
 * `{publisherModels, nextPageToken}` and `GET …/models/{m}` one PublisherModel, named `publishers/google/models/{m}`
 * (https://cloud.google.com/vertex-ai/docs/reference/rest/v1beta1/publishers.models/list). Other answers pass as they are.
 */
export function vertexModelsToGemini(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  if (Array.isArray(raw.publisherModels)) {
    const { publisherModels, ...rest } = raw;
    return { ...rest, models: publisherModels.map(publisherModelToGemini) };
  }
  return typeof raw.name === 'string' && raw.name.startsWith('publishers/') ? publisherModelToGemini(raw) : raw;
}
