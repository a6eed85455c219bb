import express, { type Request, type RequestHandler, type Response } from 'express';
import { InvalidRequestError } from '../errors/sidecar-error';
import { inlineRemoteMedia } from '../media/inline-remote-media';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { isMultipart, readMultipart } from '../server/multipart-body';
import { openaiImageEditToGemini, parseImageEditFields, type EditImage } from '../translate/images/openai-image-edits-to-gemini';
import { withResolvedModel } from './alias-notice';
import { respondWithImages } from './images-generations';
import { abortOnClientClose, describeRequest, reportIgnoredParams } from './request-context';

/** An edit request as read off the wire: its fields, input images and whether a mask came along. */
interface EditForm {
  fields: Record<string, unknown>;
  images: EditImage[];
  hasMask: boolean;
}

/**
 * `POST /v1/images/edits`: multipart (`image` / `image[]`, `mask`, fields; what the SDKs send) or the JSON variant
 * (`images: [{image_url}]`), answered like a generation from the same image-model call.
 */
export function imagesEditsHandler(deps: AppDeps): RequestHandler {
  const json = express.json({ limit: deps.config.server.bodyLimitBytes, type: () => true });
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const form = isMultipart(req) ? await readEditMultipart(deps, req, res) : readEditJson(await parseJson(json, req, res));
    const parsed = parseImageEditFields(form.fields);
    const translated = openaiImageEditToGemini(withResolvedModel(deps, parsed.request), form.images, form.hasMask);
    reportIgnoredParams(deps, res, translated.model, parsed.unknownKeys, translated.warnings);
    describeRequest(res, { model: parsed.request.model, stream: false });
    const call = { apiKey, signal: abortOnClientClose(req, res) };
    if (deps.config.media.remoteUrls === 'fetch') await inlineRemoteMedia(translated.body, deps.config.media, call.signal);
    await respondWithImages(deps, res, translated, call);
  };
}

async function readEditMultipart(deps: AppDeps, req: Request, res: Response): Promise<EditForm> {
  // 16 images and a mask; one more lets the translator name the real count in its 400.
  const body = await readMultipart(req, res, { maxBytes: deps.config.uploads.imageMaxBytes, maxFiles: 18 });
  const fields: Record<string, unknown> = {};
  for (const [name, values] of body.fields) fields[name] = values.at(-1);
  const images = body.files
    .filter((file) => file.field === 'image' || file.field === 'image[]')
    .map((file, index): EditImage => ({ kind: 'bytes', mimeType: file.mimeType, base64: file.data.toString('base64'), param: `image[${index}]` }));
  const unexpected = body.files.find((file) => !['image', 'image[]', 'mask'].includes(file.field));
  if (unexpected) throw new InvalidRequestError(`Unexpected file field '${unexpected.field}'.`, unexpected.field, 'invalid_value');
  return { fields, images, hasMask: body.files.some((file) => file.field === 'mask') };
}

/** The JSON variant: `images: [{image_url: "data:…" | "https://…"}]`; Files API ids cannot be served here. */
function readEditJson(body: unknown): EditForm {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be multipart/form-data or a JSON object.', null, 'invalid_body');
  }
  const { images, mask, ...fields } = body as Record<string, unknown>;
  const list = images == null ? [] : Array.isArray(images) ? images : [images];
  const edits = list.map((entry, index): EditImage => {
    const param = `images[${index}]`;
    const url = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).image_url : undefined;
    if (typeof url === 'string' && url.length > 0) return { kind: 'url', url, param: `${param}.image_url` };
    const fileId = entry !== null && typeof entry === 'object' && (entry as Record<string, unknown>).file_id != null;
    throw new InvalidRequestError(fileId ? 'file_id images are not supported: the sidecar has no Files API. Send image_url.' : 'Each image needs an image_url.', param, 'invalid_value');
  });
  return { fields, images: edits, hasMask: mask != null };
}

function parseJson(parser: RequestHandler, req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => {
    parser(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(req.body)));
  });
}
