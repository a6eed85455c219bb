import type { Request, Response } from 'express';
import busboy from 'busboy';
import { InvalidRequestError, PayloadTooLargeError } from '../errors/sidecar-error';

/** One uploaded file, held in memory (never past the limit). */
export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

/** A parsed multipart/form-data body: text fields (repeatable) and files, in arrival order. */
export interface MultipartBody {
  fields: Map<string, string[]>;
  files: UploadedFile[];
}

/** Limits of one multipart body; `maxBytes` applies to the whole body as it arrives. */
export interface MultipartLimits {
  maxBytes: number;
  maxFiles: number;
  maxFields?: number;
  maxFieldBytes?: number;
}

/** Whether the request announces a multipart/form-data body. */
export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * Streams a multipart/form-data body through busboy. A Content-Length above `maxBytes` is refused before a byte is
 * read; a chunked body is counted as it arrives and refused the moment it passes the limit. Either way the answer
 * carries `Connection: close`, so Node does not read the rest of an oversized upload to keep the socket alive.
 */
export function readMultipart(req: Request, res: Response, limits: MultipartLimits): Promise<MultipartBody> {
  const tooLarge = (): PayloadTooLargeError => {
    res.setHeader('Connection', 'close');
    return new PayloadTooLargeError(limits.maxBytes);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(tooLarge());
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: limits.maxFiles, fields: limits.maxFields ?? 100, fieldSize: limits.maxFieldBytes ?? 1_048_576, fileSize: limits.maxBytes, parts: (limits.maxFields ?? 100) + limits.maxFiles },
    });
  } catch (error) {
    return Promise.reject(new InvalidRequestError(`The multipart body could not be read: ${(error as Error).message}.`, null, 'invalid_body'));
  }
  return new Promise<MultipartBody>((resolve, reject) => {
    const body: MultipartBody = { fields: new Map(), files: [] };
    let received = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.off('data', count);
      parser.removeAllListeners();
      parser.on('error', () => undefined);
      reject(error);
    };
    const invalid = (message: string): void => fail(new InvalidRequestError(`The multipart body could not be read: ${message}.`, null, 'invalid_body'));
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.maxBytes) fail(tooLarge());
    };
    req.on('data', count);
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return invalid(`field '${name}' is longer than ${limits.maxFieldBytes ?? 1_048_576} bytes`);
      body.fields.set(name, [...(body.fields.get(name) ?? []), value]);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge()));
      // A cut-off part errors its stream as well as the parser; the parser's error is the one reported.
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if (!stream.truncated) body.files.push({ field: name, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) });
      });
    });
    parser.on('filesLimit', () => invalid(`more than ${limits.maxFiles} files`));
    parser.on('fieldsLimit', () => invalid('too many fields'));
    parser.on('partsLimit', () => invalid('too many parts'));
    parser.on('error', (error: Error) => invalid(error.message));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      req.off('data', count);
      resolve(body);
    });
    req.on('aborted', () => invalid('the client closed the upload'));
    req.pipe(parser);
  });
}

/** The last value of a text field, or undefined. */
export function fieldValue(body: MultipartBody, name: string): string | undefined {
  return body.fields.get(name)?.at(-1);
}
