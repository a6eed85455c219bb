import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import { ClientClosedError, InvalidRequestError, PayloadTooLargeError } from '../errors/sidecar-error';

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
  /** The files held in memory; a file given to `onFile` is not among them. */
  files: UploadedFile[];
}

/** A file part as it arrives; `truncated` is set once it passed `maxFileBytes` (the rest is discarded). */
export type FilePartStream = Readable & { truncated?: boolean };

/**
 * Takes a file part as a stream instead of holding it in memory (the Files API spools a 200 MB input line by line).
 * Returns the work reading it, or undefined to skip the part. A failed work does not stop the reading: the rest of the
 * body is drained (the part too), then the body is refused with that failure, so a client gets its 4xx once its upload
 * is in. Over `maxFileBytes` the part ends `truncated`, and the work decides what that means.
 */
export type FilePartSink = (part: { field: string; filename: string; mimeType: string }, stream: FilePartStream) => Promise<void> | undefined;

/** Limits of one multipart body. */
export interface MultipartLimits {
  /** The whole body as it arrives (absent: no whole-body limit, only `maxFileBytes`). */
  maxBytes?: number;
  maxFiles: number;
  /** One file part; defaults to `maxBytes`. */
  maxFileBytes?: number;
  maxFields?: number;
  maxFieldBytes?: number;
  onFile?: FilePartSink;
}

/** Whether the request announces a multipart/form-data body. */
export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * Streams a multipart/form-data body through busboy; the one multipart reader of the sidecar (audio transcriptions,
 * image edits, the Files API). A Content-Length above `maxBytes` is refused before a byte is read; a chunked body is
 * counted as it arrives and refused the moment it passes the limit. Either way the answer carries `Connection: close`,
 * so Node does not read the rest of an oversized upload to keep the socket alive. A client that goes away mid-upload
 * ends the open file streams with a ClientClosedError.
 */
export function readMultipart(req: Request, res: Response, limits: MultipartLimits): Promise<MultipartBody> {
  const maxBytes = limits.maxBytes ?? Infinity;
  const maxFileBytes = limits.maxFileBytes ?? maxBytes;
  const maxFields = limits.maxFields ?? 100;
  const maxFieldBytes = limits.maxFieldBytes ?? 1_048_576;
  const tooLarge = (limit: number): PayloadTooLargeError => {
    res.setHeader('Connection', 'close');
    return new PayloadTooLargeError(limit);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: limits.maxFiles, fields: maxFields, fieldSize: maxFieldBytes, fileSize: maxFileBytes, parts: maxFields + limits.maxFiles },
    });
  } catch (error) {
    return Promise.reject(new InvalidRequestError(`The multipart body could not be read: ${(error as Error).message}.`, null, 'invalid_body'));
  }
  return new Promise<MultipartBody>((resolve, reject) => {
    const body: MultipartBody = { fields: new Map(), files: [] };
    const open = new Set<FilePartStream>();
    const sinks: Array<Promise<void>> = [];
    let sinkFailure: { error: unknown } | undefined;
    let received = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.off('data', count);
      parser.removeAllListeners();
      parser.on('error', () => undefined);
      for (const stream of open) stream.destroy(error);
      reject(error);
    };
    const invalid = (message: string): void => fail(new InvalidRequestError(`The multipart body could not be read: ${message}.`, null, 'invalid_body'));
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) fail(tooLarge(maxBytes));
    };
    req.on('data', count);
    req.once('close', () => {
      if (!req.complete) fail(new ClientClosedError());
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return invalid(`field '${name}' is longer than ${maxFieldBytes} bytes`);
      body.fields.set(name, [...(body.fields.get(name) ?? []), value]);
    });
    parser.on('file', (name, stream: FilePartStream, info) => {
      // A cut-off part errors its stream as well as the parser; the parser's error is the one reported.
      stream.on('error', () => undefined);
      const part = { field: name, filename: info.filename ?? '', mimeType: info.mimeType };
      if (limits.onFile) {
        const work = limits.onFile(part, stream);
        if (!work) {
          stream.resume();
          return;
        }
        open.add(stream);
        sinks.push(
          work
            .catch((error: unknown) => {
              sinkFailure ??= { error };
              stream.resume();
            })
            .finally(() => open.delete(stream)),
        );
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(maxFileBytes)));
      stream.on('end', () => {
        if (!stream.truncated) body.files.push({ ...part, data: Buffer.concat(chunks) });
      });
    });
    parser.on('filesLimit', () => invalid(`more than ${limits.maxFiles} files`));
    parser.on('fieldsLimit', () => invalid('too many fields'));
    parser.on('partsLimit', () => invalid('too many parts'));
    parser.on('error', (error: Error) => invalid(error.message));
    parser.on('close', () => {
      if (settled) return;
      req.off('data', count);
      void Promise.all(sinks).then(() => {
        if (settled) return;
        settled = true;
        if (sinkFailure) reject(sinkFailure.error);
        else resolve(body);
      });
    });
    req.pipe(parser);
  });
}

/** The last value of a text field, or undefined. */
export function fieldValue(body: MultipartBody, name: string): string | undefined {
  return body.fields.get(name)?.at(-1);
}
