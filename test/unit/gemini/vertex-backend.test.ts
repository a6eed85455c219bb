import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import { developerApiBackend } from '@sidecar/gemini/backends/developer-api';
import { developerBodyToVertex } from '@sidecar/gemini/backends/vertex-body';
import { vertexBaseUrl, vertexPath } from '@sidecar/gemini/backends/vertex-endpoint';
import { VertexBackend } from '@sidecar/gemini/backends/vertex';

describe('Vertex endpoints', () => {
  it.each([
    { location: 'global', express: false, url: 'https://aiplatform.googleapis.com' },
    { location: 'us', express: false, url: 'https://aiplatform.us.rep.googleapis.com' },
    { location: 'eu', express: false, url: 'https://aiplatform.eu.rep.googleapis.com' },
    { location: 'us-central1', express: false, url: 'https://us-central1-aiplatform.googleapis.com' },
    { location: 'europe-west4', express: true, url: 'https://aiplatform.googleapis.com' },
  ])('$location (express $express) → $url', ({ location, express, url }) => {
    expect(vertexBaseUrl(location, express)).toBe(url);
  });

  const adc = { apiVersion: 'v1', project: 'p', location: 'us-central1' };
  const express = { apiVersion: 'v1', project: undefined, location: 'global' };
  it.each([
    { name: 'generate', relative: 'models/gemini-2.5-flash:generateContent', target: adc, path: '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent' },
    { name: 'stream keeps its query', relative: 'models/m:streamGenerateContent?alt=sse', target: adc, path: '/v1/projects/p/locations/us-central1/publishers/google/models/m:streamGenerateContent?alt=sse' },
    { name: 'express mode', relative: 'models/m:countTokens', target: express, path: '/v1/publishers/google/models/m:countTokens' },
    { name: 'list under v1beta1, no project', relative: 'models?pageSize=1000', target: adc, path: '/v1beta1/publishers/google/models?pageSize=1000' },
    { name: 'get under v1beta1, no project', relative: 'models/gemini-2.5-flash', target: adc, path: '/v1beta1/publishers/google/models/gemini-2.5-flash' },
    { name: 'a partner publisher model', relative: 'models/publishers%2Fanthropic%2Fmodels%2Fclaude:generateContent', target: adc, path: '/v1/projects/p/locations/us-central1/publishers/anthropic/models/claude:generateContent' },
    { name: 'a tuned endpoint resource', relative: 'models/projects%2Fp%2Flocations%2Fus-central1%2Fendpoints%2F42:generateContent', target: adc, path: '/v1/projects/p/locations/us-central1/endpoints/42:generateContent' },
  ])('$name', ({ relative, target, path }) => {
    expect(vertexPath(relative, target)).toBe(path);
  });

  it('keeps a base URL path prefix (Private Service Connect behind a path) and the Developer API as it was', () => {
    const backend = new VertexBackend({ apiVersion: 'v1beta1', location: 'global', baseUrl: 'https://psc.example/vertex/' }, 'p');
    expect(backend.baseUrl).toBe('https://psc.example/vertex');
    expect(backend.path('models/m:generateContent')).toBe('/vertex/v1beta1/projects/p/locations/global/publishers/google/models/m:generateContent');
    expect(developerApiBackend({ baseUrl: 'https://generativelanguage.googleapis.com', apiVersion: 'v1beta' }).path('models/m:generateContent')).toBe('/v1beta/models/m:generateContent');
  });
});

describe('developerBodyToVertex', () => {
  const call = { functionCall: { id: 'c1', name: 'f', args: {} } };
  const answer = { functionResponse: { id: 'c1', name: 'f', response: {} } };

  it('drops call ids, which Vertex refuses as unknown fields', () => {
    const body = { contents: [{ role: 'model', parts: [call] }, { role: 'user', parts: [answer] }] };
    expect(developerBodyToVertex('generateContent', body)).toEqual({
      contents: [
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
      ],
    });
  });

  it('opens countTokens\' generateContentRequest wrapper (model and toolConfig are not CountTokensRequest fields)', () => {
    const body = { generateContentRequest: { model: 'models/m', contents: [{ role: 'user', parts: [{ text: 'x' }] }], systemInstruction: { parts: [{ text: 's' }] }, toolConfig: {} } };
    expect(developerBodyToVertex('countTokens', body)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], systemInstruction: { parts: [{ text: 's' }] } });
  });

  it.each([
    { name: 'a Files API file', body: { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } }] }] }, message: /files\/abc123/, param: null },
    { name: 'the fileSearch tool', body: { contents: [], tools: [{ fileSearch: {} }] }, message: /fileSearch tool/, param: 'tools' },
  ])('refuses $name with a 400 naming it', ({ body, message, param }) => {
    const thrown = (() => {
      try {
        developerBodyToVertex('generateContent', body);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect(thrown).toMatchObject({ status: 400, code: 'unsupported_on_vertex', param, message: expect.stringMatching(message) });
  });

  it('passes gs:// URIs and other methods unchanged', () => {
    const body = { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'gs://bucket/a.pdf', mimeType: 'application/pdf' } }] }] };
    expect(developerBodyToVertex('generateContent', body)).toEqual(body);
    expect(developerBodyToVertex('predict', { instances: [] })).toEqual({ instances: [] });
  });
});
