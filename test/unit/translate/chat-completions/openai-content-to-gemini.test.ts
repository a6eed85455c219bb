import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import {
  AUDIO_FORMAT_TO_MIME_TYPE,
  mimeTypeFromUrl,
  openaiContentPartToGemini,
  type ContentPartOptions,
} from '@sidecar/translate/chat-completions/openai-content-to-gemini';
import type { OpenAIContentPart } from '@sidecar/translate/chat-completions/openai-chat-schema';

const PARAM = 'messages[1].content[0]';
const gemini25: ContentPartOptions = { partLevelMedia: false, remoteUrls: 'fetch' };
const gemini3: ContentPartOptions = { partLevelMedia: true, remoteUrls: 'fetch' };
const FILES_URI = 'https://generativelanguage.googleapis.com/v1beta/files/abc-123';

function translate(part: Record<string, unknown>, options: ContentPartOptions = gemini25) {
  return openaiContentPartToGemini(part as OpenAIContentPart, PARAM, options);
}

function thrown(action: () => unknown): InvalidRequestError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected an InvalidRequestError');
}

describe('openaiContentPartToGemini', () => {
  const cases: Array<{ name: string; part: Record<string, unknown>; options?: ContentPartOptions; expected: unknown; warnings?: string[] }> = [
    { name: 'text → text', part: { type: 'text', text: 'Hi' }, expected: { text: 'Hi' } },
    { name: 'empty text → empty text (the caller drops it)', part: { type: 'text', text: '' }, expected: { text: '' } },
    {
      name: 'base64 image data URL → inlineData, data untouched',
      part: { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      expected: { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    },
    {
      name: 'URL-safe base64 passes as is',
      part: { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,_9j-4AAQ' } },
      expected: { inlineData: { mimeType: 'image/jpeg', data: '_9j-4AAQ' } },
    },
    {
      name: 'data URL media type is lower-cased and extra parameters are ignored',
      part: { type: 'image_url', image_url: { url: 'data:Image/PNG;name=x.png;BASE64,aGVsbG8' } },
      expected: { inlineData: { mimeType: 'image/png', data: 'aGVsbG8' } },
    },
    {
      name: 'percent-encoded data URL → base64 of its UTF-8 bytes',
      part: { type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E%20%C3%A9' } },
      expected: { inlineData: { mimeType: 'image/svg+xml', data: btoa('<svg/> \u00c3\u00a9') } },
    },
    {
      name: 'plain-text data URL characters are UTF-8 encoded',
      part: { type: 'image_url', image_url: { url: 'data:text/plain,h\u00e9' } },
      expected: { inlineData: { mimeType: 'text/plain', data: 'aMOp' } },
    },
    {
      name: 'image_url as a bare string',
      part: { type: 'image_url', image_url: 'data:image/webp;base64,UklGRg==' },
      expected: { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } },
    },
    {
      name: 'https URL → fileData with the MIME type from its extension',
      part: { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=large#top' } },
      expected: { fileData: { fileUri: 'https://example.com/cat.JPG?size=large#top', mimeType: 'image/jpeg' } },
    },
    {
      name: 'http URL without a known extension → fileData without a MIME type',
      part: { type: 'image_url', image_url: { url: 'http://example.com/render?id=7' } },
      expected: { fileData: { fileUri: 'http://example.com/render?id=7' } },
    },
    {
      name: 'gs:// URI → fileData with the MIME type from its extension',
      part: { type: 'image_url', image_url: { url: 'gs://bucket/dir/photo.webp' } },
      expected: { fileData: { fileUri: 'gs://bucket/dir/photo.webp', mimeType: 'image/webp' } },
    },
    {
      name: 'gs:// URI without an extension → fileData without a MIME type',
      part: { type: 'image_url', image_url: { url: 'gs://bucket/object' } },
      expected: { fileData: { fileUri: 'gs://bucket/object' } },
    },
    {
      name: 'Files API name → its full File.uri',
      part: { type: 'image_url', image_url: { url: 'files/abc-123' } },
      expected: { fileData: { fileUri: FILES_URI } },
    },
    {
      name: 'full Files API URI → fileData as is',
      part: { type: 'image_url', image_url: { url: FILES_URI } },
      expected: { fileData: { fileUri: FILES_URI } },
    },
    {
      name: 'detail low on Gemini 3 → part-level mediaResolution LOW',
      part: { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
      options: gemini3,
      expected: { fileData: { fileUri: 'https://example.com/a.png', mimeType: 'image/png' }, mediaResolution: { level: 'MEDIA_RESOLUTION_LOW' } },
    },
    {
      name: 'detail high on Gemini 3.1 → part-level mediaResolution HIGH',
      part: { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=', detail: 'high' } },
      options: { partLevelMedia: true, remoteUrls: 'pass-through' },
      expected: { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' }, mediaResolution: { level: 'MEDIA_RESOLUTION_HIGH' } },
    },
    {
      name: 'detail auto on Gemini 3 → no mediaResolution, no warning',
      part: { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=', detail: 'auto' } },
      options: gemini3,
      expected: { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } },
    },
    {
      name: 'detail on Gemini 2.5 → dropped with a warning',
      part: { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=', detail: 'high' } },
      expected: { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } },
      warnings: [`${PARAM}.image_url.detail`],
    },
    {
      name: 'detail on a model without part-level media (gemma) → dropped with a warning',
      part: { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=', detail: 'low' } },
      options: { partLevelMedia: false, remoteUrls: 'fetch' },
      expected: { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } },
      warnings: [`${PARAM}.image_url.detail`],
    },
    {
      name: 'input_audio wav → audio/wav',
      part: { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      expected: { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
    },
    {
      name: 'input_audio format is case-insensitive',
      part: { type: 'input_audio', input_audio: { data: 'SUQz', format: 'MP3' } },
      expected: { inlineData: { mimeType: 'audio/mp3', data: 'SUQz' } },
    },
    {
      name: 'input_audio format given as an audio MIME type passes through',
      part: { type: 'input_audio', input_audio: { data: 'SUQz', format: 'audio/x-custom' } },
      expected: { inlineData: { mimeType: 'audio/x-custom', data: 'SUQz' } },
    },
    {
      name: 'file_data data URL → inlineData with its own MIME type',
      part: { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'paper.pdf' } },
      expected: { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    },
    {
      name: 'file_data data URL without a media type → MIME type from the filename',
      part: { type: 'file', file: { file_data: 'data:;base64,aGVsbG8=', filename: 'notes.txt' } },
      expected: { inlineData: { mimeType: 'text/plain', data: 'aGVsbG8=' } },
    },
    {
      name: 'bare base64 file_data → MIME type from the filename extension',
      part: { type: 'file', file: { file_data: 'aGVsbG8=', filename: 'table.CSV' } },
      expected: { inlineData: { mimeType: 'text/csv', data: 'aGVsbG8=' } },
    },
    {
      name: 'bare base64 file_data without a filename → application/pdf',
      part: { type: 'file', file: { file_data: 'JVBERi0=' } },
      expected: { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    },
    {
      name: 'bare base64 file_data with an extensionless filename → application/pdf',
      part: { type: 'file', file: { file_data: 'JVBERi0=', filename: 'my-test-name' } },
      expected: { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    },
    {
      name: 'file.format (a MIME type) wins over the filename',
      part: { type: 'file', file: { file_data: 'aGVsbG8=', filename: 'x.pdf', format: 'text/markdown' } },
      expected: { inlineData: { mimeType: 'text/markdown', data: 'aGVsbG8=' } },
    },
    {
      name: 'file_id Files API name → fileData without a guessed MIME type',
      part: { type: 'file', file: { file_id: 'files/abc-123' } },
      expected: { fileData: { fileUri: FILES_URI } },
    },
    {
      name: 'file_id Files API name with a filename → fileData with that MIME type',
      part: { type: 'file', file: { file_id: 'files/abc-123', filename: 'clip.mp4' } },
      expected: { fileData: { fileUri: FILES_URI, mimeType: 'video/mp4' } },
    },
    {
      name: 'file_id gs:// without any hint → application/pdf',
      part: { type: 'file', file: { file_id: 'gs://bucket/report' } },
      expected: { fileData: { fileUri: 'gs://bucket/report', mimeType: 'application/pdf' } },
    },
    {
      name: 'file_id https URL → MIME type from its extension',
      part: { type: 'file', file: { file_id: 'https://example.com/song.flac' } },
      expected: { fileData: { fileUri: 'https://example.com/song.flac', mimeType: 'audio/flac' } },
    },
  ];

  it.each(cases)('$name', ({ part, options, expected, warnings = [] }) => {
    expect(translate(part, options)).toEqual({ part: expected, warnings });
  });

  const errors: Array<{ name: string; part: Record<string, unknown>; param: string; code: string | null }> = [
    { name: 'unknown part type', part: { type: 'video_url', video_url: {} }, param: `${PARAM}.type`, code: 'unsupported_content_type' },
    { name: "'refusal' is not a user part", part: { type: 'refusal', refusal: 'no' }, param: `${PARAM}.type`, code: 'unsupported_content_type' },
    { name: 'prototype keys are not part types', part: { type: 'constructor' }, param: `${PARAM}.type`, code: 'unsupported_content_type' },
    { name: 'text without a string', part: { type: 'text', text: 3 }, param: `${PARAM}.text`, code: null },
    { name: 'image_url missing', part: { type: 'image_url' }, param: `${PARAM}.image_url.url`, code: 'invalid_image_url' },
    { name: 'image_url.url empty', part: { type: 'image_url', image_url: { url: '' } }, param: `${PARAM}.image_url.url`, code: 'invalid_image_url' },
    ...['file:///etc/passwd', 'ftp://example.com/a.png', 'javascript:alert(1)', 'not a url', '/relative/a.png'].map((url) => ({
      name: `image_url scheme of ${url}`,
      part: { type: 'image_url', image_url: { url } },
      param: `${PARAM}.image_url.url`,
      code: 'invalid_image_url',
    })),
    ...[
      ['no comma', 'data:image/png;base64'],
      ['empty base64 data', 'data:image/png;base64,'],
      ['non-base64 characters', 'data:image/png;base64,aGVs bG8='],
      ['misplaced padding', 'data:image/png;base64,aG=Vs'],
      ['impossible base64 length', 'data:image/png;base64,aGVsb'],
      ['malformed media type', 'data:image png;base64,aGVsbG8='],
      ['no media type', 'data:;base64,aGVsbG8='],
      ['bad percent escape', 'data:text/plain,100%zz'],
      ['empty percent-encoded data', 'data:text/plain,'],
    ].map(([problem, url]) => ({
      name: `data URL with ${problem}`,
      part: { type: 'image_url', image_url: { url } },
      param: `${PARAM}.image_url.url`,
      code: 'invalid_image_url',
    })),
    { name: 'unknown detail', part: { type: 'image_url', image_url: { url: 'files/a', detail: 'max' } }, param: `${PARAM}.image_url.detail`, code: 'invalid_value' },
    { name: 'input_audio missing', part: { type: 'input_audio' }, param: `${PARAM}.input_audio`, code: 'missing_required_parameter' },
    {
      name: 'input_audio pcm16 (headerless PCM)',
      part: { type: 'input_audio', input_audio: { data: 'AAAA', format: 'pcm16' } },
      param: `${PARAM}.input_audio.format`,
      code: 'unsupported_audio_format',
    },
    {
      name: 'input_audio without a format',
      part: { type: 'input_audio', input_audio: { data: 'AAAA' } },
      param: `${PARAM}.input_audio.format`,
      code: 'unsupported_audio_format',
    },
    {
      name: 'input_audio data as a data URL',
      part: { type: 'input_audio', input_audio: { data: 'data:audio/wav;base64,AAAA', format: 'wav' } },
      param: `${PARAM}.input_audio.data`,
      code: 'invalid_input_audio',
    },
    { name: 'file missing', part: { type: 'file' }, param: `${PARAM}.file`, code: 'missing_required_parameter' },
    { name: 'file with neither data nor id', part: { type: 'file', file: { filename: 'a.pdf' } }, param: `${PARAM}.file`, code: 'missing_required_parameter' },
    { name: 'OpenAI file id', part: { type: 'file', file: { file_id: 'file-abc123' } }, param: `${PARAM}.file.file_id`, code: 'unsupported_file_id' },
    { name: 'file_data not base64', part: { type: 'file', file: { file_data: '%PDF-1.7' } }, param: `${PARAM}.file.file_data`, code: 'invalid_file_data' },
    { name: 'file_data empty', part: { type: 'file', file: { file_data: '' } }, param: `${PARAM}.file.file_data`, code: 'invalid_file_data' },
    {
      name: 'file_data data URL with a bad payload',
      part: { type: 'file', file: { file_data: 'data:application/pdf;base64,%%%' } },
      param: `${PARAM}.file.file_data`,
      code: 'invalid_file_data',
    },
    {
      name: 'filename with an unknown extension',
      part: { type: 'file', file: { file_data: 'aGVsbG8=', filename: 'letter.docx' } },
      param: `${PARAM}.file.filename`,
      code: 'unsupported_file_type',
    },
  ];

  it.each(errors)('rejects $name with 400 at $param', ({ part, param, code }) => {
    const error = thrown(() => translate(part));
    expect({ status: error.status, param: error.param, code: error.code }).toEqual({ status: 400, param, code });
  });

  it('never echoes a data URL payload in the message', () => {
    const error = thrown(() => translate({ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(5000)}!` } }));
    expect(error.message.length).toBeLessThan(200);
  });

  it('lists the supported formats when rejecting pcm16', () => {
    const error = thrown(() => translate({ type: 'input_audio', input_audio: { data: 'AAAA', format: 'pcm16' } }));
    expect(error.message).toContain(Object.keys(AUDIO_FORMAT_TO_MIME_TYPE).join(', '));
  });
});

describe('AUDIO_FORMAT_TO_MIME_TYPE', () => {
  it.each(Object.entries(AUDIO_FORMAT_TO_MIME_TYPE))('maps %s to %s', (format, mimeType) => {
    expect(translate({ type: 'input_audio', input_audio: { data: 'AAAA', format } }).part).toEqual({ inlineData: { mimeType, data: 'AAAA' } });
  });
});

describe('mimeTypeFromUrl', () => {
  it.each([
    ['https://example.com/a/b/photo.jpeg', 'image/jpeg'],
    ['https://example.com/photo.HEIC?x=1.png', 'image/heic'],
    ['https://example.com/doc.pdf#page=2', 'application/pdf'],
    ['gs://bucket/audio.m4a', 'audio/mp4'],
    ['report.md', 'text/markdown'],
    ['https://example.com/archive.tar.gz', undefined],
    ['https://example.com/dir.png/file', undefined],
    ['https://example.com/', undefined],
    ['https://example.com/toString', undefined],
    ['https://example.com/a.constructor', undefined],
  ])('%s → %s', (url, expected) => {
    expect(mimeTypeFromUrl(url)).toBe(expected);
  });
});
