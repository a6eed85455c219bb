import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiPart } from './gemini-generate-schema';
import type { OpenAIContentPart } from './openai-chat-schema';

/** What the part translator needs to know about the request and the deployment. */
export interface ContentPartOptions {
  /** Part-level `mediaResolution` (Gemini 3+, https://ai.google.dev/gemini-api/docs/media-resolution). */
  partLevelMedia: boolean;
  /** Both modes produce the same `fileData` part; in 'fetch' mode the media edge inlines http(s) URIs afterwards. */
  remoteUrls: 'fetch' | 'pass-through';
}

/** One translated part plus the params that were dropped on purpose (JSON paths, like the other translators). */
export interface TranslatedContentPart {
  part: GeminiPart;
  warnings: string[];
}

type MediaResolutionLevel = NonNullable<GeminiPart['mediaResolution']>['level'];
type PartTranslator = (part: OpenAIContentPart, param: string, options: ContentPartOptions) => TranslatedContentPart;

/** A Files API `File.uri` is this prefix plus the `files/{id}` name (https://ai.google.dev/api/files). */
const GEMINI_FILES_URI_PREFIX = 'https://generativelanguage.googleapis.com/v1beta/';
const GEMINI_FILES_URI = /^https:\/\/generativelanguage\.googleapis\.com\/v1\w*\/files\//;

/** File name extension → MIME type, for URLs, `gs://` objects and `file.filename` (https://ai.google.dev/gemini-api/docs/file-input-methods). */
export const EXTENSION_TO_MIME_TYPE: Readonly<Record<string, string>> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', heic: 'image/heic', heif: 'image/heif', gif: 'image/gif',
  pdf: 'application/pdf', txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', html: 'text/html', htm: 'text/html',
  css: 'text/css', js: 'text/javascript', py: 'text/x-python', xml: 'text/xml', rtf: 'text/rtf', json: 'application/json',
  wav: 'audio/wav', mp3: 'audio/mp3', aiff: 'audio/aiff', aif: 'audio/aiff', aac: 'audio/aac', ogg: 'audio/ogg', opus: 'audio/ogg',
  flac: 'audio/flac', m4a: 'audio/mp4', mp4: 'video/mp4', mpeg: 'video/mpeg', mpg: 'video/mpeg', mov: 'video/mov', avi: 'video/avi',
  flv: 'video/x-flv', webm: 'video/webm', wmv: 'video/wmv', '3gp': 'video/3gpp',
};

/** `input_audio.format` → MIME type; Gemini documents wav, mp3, aiff, aac, ogg and flac (https://ai.google.dev/gemini-api/docs/audio). */
export const AUDIO_FORMAT_TO_MIME_TYPE: Readonly<Record<string, string>> = {
  wav: 'audio/wav', mp3: 'audio/mp3', aiff: 'audio/aiff', aac: 'audio/aac', ogg: 'audio/ogg', opus: 'audio/ogg', flac: 'audio/flac',
  m4a: 'audio/mp4', webm: 'audio/webm',
};

/** `image_url.detail` → part-level `mediaResolution` (Gemini 3+ only); `auto` leaves the model default. */
const DETAIL_TO_MEDIA_RESOLUTION: Readonly<Record<string, MediaResolutionLevel | null>> = {
  low: 'MEDIA_RESOLUTION_LOW',
  high: 'MEDIA_RESOLUTION_HIGH',
  auto: null,
};

const PART_TRANSLATORS: Readonly<Record<string, PartTranslator>> = {
  text: textPart,
  image_url: imageUrlPart,
  input_audio: inputAudioPart,
  file: filePart,
};

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
const FILES_API_NAME = /^files\/[\w-]+$/;
const REFERENCE_SCHEMES = new Set(['http:', 'https:', 'gs:']);

/** One OpenAI user/system content part → one Gemini part; `param` is its JSON path for errors (e.g. 'messages[1].content[0]'). */
export function openaiContentPartToGemini(part: OpenAIContentPart, param: string, options: ContentPartOptions): TranslatedContentPart {
  const translate = Object.hasOwn(PART_TRANSLATORS, part.type) ? PART_TRANSLATORS[part.type] : undefined;
  if (translate === undefined) {
    throw new InvalidRequestError(`Content part type '${part.type}' is not supported.`, `${param}.type`, 'unsupported_content_type');
  }
  return translate(part, param, options);
}

/** MIME type from the extension of a URL's (or name's) last path segment, if the table knows it. */
export function mimeTypeFromUrl(url: string): string | undefined {
  const path = url.replace(/[?#].*$/s, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const extension = name.slice(dot + 1).toLowerCase();
  return Object.hasOwn(EXTENSION_TO_MIME_TYPE, extension) ? EXTENSION_TO_MIME_TYPE[extension] : undefined;
}

function textPart(part: OpenAIContentPart, param: string): TranslatedContentPart {
  if (typeof part.text !== 'string') throw new InvalidRequestError('A text content part needs a string `text`.', `${param}.text`);
  return { part: { text: part.text }, warnings: [] };
}

function imageUrlPart(part: OpenAIContentPart, param: string, options: ContentPartOptions): TranslatedContentPart {
  const image = part.image_url;
  const url = typeof image === 'string' ? image : isRecord(image) && typeof image.url === 'string' ? image.url : undefined;
  const urlParam = `${param}.image_url.url`;
  if (url === undefined || url.length === 0) {
    throw new InvalidRequestError('An image_url part needs a non-empty `image_url.url`.', urlParam, 'invalid_image_url');
  }
  let gemini: GeminiPart;
  if (/^data:/i.test(url)) {
    const { mimeType, data } = parseDataUrl(url, urlParam, 'invalid_image_url');
    if (mimeType === undefined) {
      throw new InvalidRequestError('The image data URL has no media type (data:image/png;base64,...).', urlParam, 'invalid_image_url');
    }
    gemini = { inlineData: { mimeType, data } };
  } else {
    const fileData = referenceToFileData(url);
    if (fileData === undefined) {
      const message = 'image_url.url must be an http(s), gs:// or data: URL, or a Files API name (files/...).';
      throw new InvalidRequestError(message, urlParam, 'invalid_image_url');
    }
    gemini = { fileData };
  }
  const detail = isRecord(image) ? image.detail : undefined;
  return withDetail(gemini, detail, `${param}.image_url.detail`, options.partLevelMedia);
}

function withDetail(part: GeminiPart, detail: unknown, param: string, partLevelMedia: boolean): TranslatedContentPart {
  if (detail == null) return { part, warnings: [] };
  const known = typeof detail === 'string' && Object.hasOwn(DETAIL_TO_MEDIA_RESOLUTION, detail);
  const level = known ? DETAIL_TO_MEDIA_RESOLUTION[detail] : undefined;
  if (level === undefined) throw new InvalidRequestError("image_url.detail must be 'low', 'high' or 'auto'.", param, 'invalid_value');
  if (level === null) return { part, warnings: [] };
  if (!partLevelMedia) return { part, warnings: [param] };
  return { part: { ...part, mediaResolution: { level } }, warnings: [] };
}

function inputAudioPart(part: OpenAIContentPart, param: string): TranslatedContentPart {
  const audio = part.input_audio;
  if (!isRecord(audio)) {
    throw new InvalidRequestError('An input_audio part needs an `input_audio` object.', `${param}.input_audio`, 'missing_required_parameter');
  }
  const format = typeof audio.format === 'string' ? audio.format.toLowerCase() : '';
  const mimeType = Object.hasOwn(AUDIO_FORMAT_TO_MIME_TYPE, format)
    ? AUDIO_FORMAT_TO_MIME_TYPE[format]
    : format.startsWith('audio/') && MIME_TYPE.test(format) ? format : undefined;
  if (mimeType === undefined) {
    // pcm16 is headerless PCM, which Gemini does not list as an input format; wav is the same samples with a header.
    const message = `input_audio.format '${format}' is not supported; use ${Object.keys(AUDIO_FORMAT_TO_MIME_TYPE).join(', ')} (wrap pcm16 in wav).`;
    throw new InvalidRequestError(message, `${param}.input_audio.format`, 'unsupported_audio_format');
  }
  const data = typeof audio.data === 'string' ? audio.data : '';
  if (!isBase64(data)) {
    throw new InvalidRequestError('input_audio.data must be non-empty base64 without a data: prefix.', `${param}.input_audio.data`, 'invalid_input_audio');
  }
  return { part: { inlineData: { mimeType, data } }, warnings: [] };
}

/**
 * OpenAI `file` parts are PDFs first (https://platform.openai.com/docs/guides/pdf-files), so bytes without any type hint are
 * sent as application/pdf; `file.format` (a MIME type, as LiteLLM accepts) and the `filename` extension take precedence.
 */
function filePart(part: OpenAIContentPart, param: string): TranslatedContentPart {
  const file = part.file;
  if (!isRecord(file)) {
    throw new InvalidRequestError('A file part needs a `file` object.', `${param}.file`, 'missing_required_parameter');
  }
  const declared = declaredFileMimeType(file, param);
  if (typeof file.file_data === 'string') {
    const dataParam = `${param}.file.file_data`;
    if (/^data:/i.test(file.file_data)) {
      const { mimeType, data } = parseDataUrl(file.file_data, dataParam, 'invalid_file_data');
      return { part: { inlineData: { mimeType: mimeType ?? declared ?? 'application/pdf', data } }, warnings: [] };
    }
    if (!isBase64(file.file_data)) {
      throw new InvalidRequestError('file.file_data must be base64 or a base64 data URL.', dataParam, 'invalid_file_data');
    }
    return { part: { inlineData: { mimeType: declared ?? 'application/pdf', data: file.file_data } }, warnings: [] };
  }
  if (typeof file.file_id === 'string') {
    const fileData = referenceToFileData(file.file_id);
    if (fileData === undefined) {
      const message =
        'file.file_id must be a Gemini Files API name (files/...), a gs:// URI or an http(s) URL: this sidecar cannot read ' +
        'OpenAI file storage (file-...ids). Send the bytes in file.file_data instead.';
      throw new InvalidRequestError(message, `${param}.file.file_id`, 'unsupported_file_id');
    }
    // Files API files carry their own MIME type, so a guess would only risk a mismatch.
    const mimeType = declared ?? fileData.mimeType ?? (GEMINI_FILES_URI.test(fileData.fileUri) ? undefined : 'application/pdf');
    return { part: { fileData: { fileUri: fileData.fileUri, ...(mimeType === undefined ? {} : { mimeType }) } }, warnings: [] };
  }
  throw new InvalidRequestError('A file part needs `file.file_data` or `file.file_id`.', `${param}.file`, 'missing_required_parameter');
}

function declaredFileMimeType(file: Record<string, unknown>, param: string): string | undefined {
  if (typeof file.format === 'string' && MIME_TYPE.test(file.format)) return file.format.toLowerCase();
  if (typeof file.filename !== 'string' || !file.filename.includes('.')) return undefined;
  const mimeType = mimeTypeFromUrl(file.filename);
  if (mimeType === undefined) {
    throw new InvalidRequestError(`Cannot tell the media type of '${file.filename}' from its extension.`, `${param}.file.filename`, 'unsupported_file_type');
  }
  return mimeType;
}

/** `files/x` (expanded to its `File.uri`), full Files API URIs, `gs://` and http(s) URLs → `fileData`; anything else → undefined. */
function referenceToFileData(reference: string): { fileUri: string; mimeType?: string } | undefined {
  if (FILES_API_NAME.test(reference)) return { fileUri: `${GEMINI_FILES_URI_PREFIX}${reference}` };
  if (!URL.canParse(reference) || !REFERENCE_SCHEMES.has(new URL(reference).protocol)) return undefined;
  const mimeType = GEMINI_FILES_URI.test(reference) ? undefined : mimeTypeFromUrl(reference);
  return mimeType === undefined ? { fileUri: reference } : { fileUri: reference, mimeType };
}

/** RFC 2397 `data:[<mediatype>][;base64],<data>`; base64 passes through untouched, percent-encoded text is base64-encoded. */
function parseDataUrl(url: string, param: string, code: string): { mimeType: string | undefined; data: string } {
  const comma = url.indexOf(',');
  if (comma < 0) throw new InvalidRequestError('Malformed data URL: no comma before the data.', param, code);
  const [type = '', ...parameters] = url.slice('data:'.length, comma).split(';');
  const mimeType = type.trim().toLowerCase();
  if (mimeType !== '' && !MIME_TYPE.test(mimeType)) {
    throw new InvalidRequestError(`Malformed data URL media type '${type}'.`, param, code);
  }
  const payload = url.slice(comma + 1);
  const isBase64Payload = parameters.some((parameter) => parameter.trim().toLowerCase() === 'base64');
  const data = isBase64Payload ? payload : percentDecodedBase64(payload);
  if (data === undefined || !isBase64(data)) {
    const problem = isBase64Payload ? 'is empty or not base64' : 'is empty or badly percent-encoded';
    throw new InvalidRequestError(`The data URL payload ${problem}.`, param, code);
  }
  return { mimeType: mimeType === '' ? undefined : mimeType, data };
}

function percentDecodedBase64(text: string): string | undefined {
  const encoder = new TextEncoder();
  let binary = '';
  for (const piece of text.split(/(%[0-9A-Fa-f]{2})/)) {
    if (/^%[0-9A-Fa-f]{2}$/.test(piece)) binary += String.fromCharCode(Number.parseInt(piece.slice(1), 16));
    else if (piece.includes('%')) return undefined;
    else for (const byte of encoder.encode(piece)) binary += String.fromCharCode(byte);
  }
  return binary.length === 0 ? undefined : btoa(binary);
}

/** Standard or URL-safe alphabet, optional padding; Gemini's JSON `bytes` fields accept both (https://protobuf.dev/programming-guides/json/). */
function isBase64(data: string): boolean {
  if (!BASE64.test(data)) return false;
  return data.includes('=') ? data.length % 4 === 0 : data.length % 4 !== 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
