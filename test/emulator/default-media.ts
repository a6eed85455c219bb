import { base64ByteLength } from './google-base64';
import { arrayField, field, isRecord, recordField, type JsonObject } from './request-fields';

/** A real 1×1 RGB PNG (69 bytes, valid CRCs and zlib stream) standing in for every generated image. */
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNwav0CAALIAbyWt4nEAAAAAElFTkSuQmCC';

/** Output tokens Google bills per generated image (gemini-2.5-flash-image in pydantic-ai test_google_image_and_text_output.yaml). */
export const IMAGE_TOKEN_COUNT = 1290;

function blobNote(part: JsonObject): string[] {
  const inline = recordField(part, 'inlineData');
  if (inline) {
    const data = field(inline, 'data');
    return [`[saw ${String(field(inline, 'mimeType'))} ${typeof data === 'string' ? base64ByteLength(data) : 0} bytes]`];
  }
  const file = recordField(part, 'fileData');
  return file ? [`[saw file ${String(field(file, 'fileUri'))}]`] : [];
}

/**
 * One note per inlineData / fileData part of a user turn, multimodal functionResponse parts included, so tests can
 * assert that the decoded bytes arrived: `[saw image/png 69 bytes]`, `[saw file https://…]`.
 */
export function mediaNotes(parts: JsonObject[]): string[] {
  return parts.flatMap((part) => {
    const response = recordField(part, 'functionResponse');
    const nested = response ? arrayField(response, 'parts').filter(isRecord) : [];
    return [...blobNote(part), ...nested.flatMap(blobNote)];
  });
}

/** The generated image part (an edit hands back its input image); Gemini 3 image models sign every inlineData part. */
export function imagePart(thoughtSignature?: string, edited?: { mimeType: string; data: string }): JsonObject {
  const inlineData = edited ?? { mimeType: 'image/png', data: TINY_PNG_BASE64 };
  return thoughtSignature ? { inlineData, thoughtSignature } : { inlineData };
}
