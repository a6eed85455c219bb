import { InvalidRequestError } from '../../errors/sidecar-error';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Developer-API Files API URIs (https://ai.google.dev/api/files): Vertex has no Files API and cannot read them. */
const FILES_API_URI = /^https:\/\/generativelanguage\.googleapis\.com\/[^/]+\/files\//;

/** Tools only the Developer API serves (js-genai converters drop them for Vertex with an error). */
const DEVELOPER_ONLY_TOOLS = ['fileSearch', 'mcpServers'];

function unsupported(feature: string, param: string | null): InvalidRequestError {
  return new InvalidRequestError(`${feature} is not available on Vertex AI (the sidecar's backend); it is a Gemini Developer API feature.`, param, 'unsupported_on_vertex');
}

function adaptPart(part: unknown): unknown {
  if (!isRecord(part)) return part;
  const fileUri = isRecord(part.fileData) ? part.fileData.fileUri : undefined;
  if (typeof fileUri === 'string' && FILES_API_URI.test(fileUri)) {
    throw unsupported(`The Files API file ${fileUri.replace(/^.*\/(files\/[^/?]+).*$/, '$1')} (use a gs:// or https URL, or inline data)`, null);
  }
  // Vertex answers 400 'Unknown name "id"' for call ids the Developer API returns and accepts back.
  for (const key of ['functionCall', 'functionResponse'] as const) {
    const value = part[key];
    if (isRecord(value) && 'id' in value) {
      const { id: _id, ...rest } = value;
      return { ...part, [key]: rest };
    }
  }
  return part;
}

function adaptGenerateRequest(body: Json): Json {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools) {
    const name = isRecord(tool) ? DEVELOPER_ONLY_TOOLS.find((key) => key in tool) : undefined;
    if (name) throw unsupported(`The ${name} tool`, 'tools');
  }
  if (!Array.isArray(body.contents)) return body;
  const contents = body.contents.map((content) => (isRecord(content) && Array.isArray(content.parts) ? { ...content, parts: content.parts.map(adaptPart) } : content));
  return { ...body, contents };
}

/**
 * A Developer-API request body as Vertex takes it: call ids dropped, Files API references and Developer-only tools
 * refused with a 400 naming them, and countTokens' `generateContentRequest` wrapper opened (Vertex's CountTokensRequest
 * carries contents, systemInstruction, tools and generationConfig at the top level).
 */
export function developerBodyToVertex(method: string, body: unknown): unknown {
  if (!isRecord(body)) return body;
  if (method === 'countTokens' && isRecord(body.generateContentRequest)) {
    const { model: _model, toolConfig: _toolConfig, ...request } = body.generateContentRequest;
    return adaptGenerateRequest(request);
  }
  if (method === 'generateContent' || method === 'streamGenerateContent' || method === 'countTokens') return adaptGenerateRequest(body);
  return body;
}
