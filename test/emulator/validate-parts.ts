import { isGoogleBase64 } from './google-base64';
import { fieldViolationsError, invalidArgument, type GoogleErrorReply } from './google-error';
import { field, isRecord, snakeCase, type JsonObject } from './request-fields';

/** The members of the Part proto's `oneof data`, in lowerCamelCase. */
export const PART_DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const PART_METADATA_FIELDS = ['thought', 'thoughtSignature', 'mediaResolution', 'videoMetadata'];
const KNOWN_PART_FIELDS = new Set([...PART_DATA_FIELDS, ...PART_METADATA_FIELDS].flatMap((name) => [name, snakeCase(name)]));
const STRUCT = 'type.googleapis.com/google.protobuf.Struct';
const BLOB = 'type.googleapis.com/google.ai.generativelanguage.v1beta.Blob';

/** Proto-JSON parse errors (reported together, with BadRequest details) and semantic violations (`* …` lines). */
interface Problems {
  /** The request message semantic violations are reported against, e.g. `GenerateContentRequest`. */
  request: string;
  parse: Array<{ field: string; message: string }>;
  violations: string[];
}

/** The list of parts of one content and how Google names its path in errors. */
export interface PartList {
  parts: unknown[];
  /** `contents[2]` or `system_instruction`. */
  path: string;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  return text.length > 120 ? `${text.slice(0, 120)}..."` : text;
}

function invalidValue(problems: Problems, path: string, type: string, value: unknown): void {
  problems.parse.push({ field: path, message: `Invalid value at '${path}' (${type}), ${preview(value)}` });
}

function notSpecified(problems: Problems, path: string, name: string): void {
  problems.violations.push(`${problems.request}.${path}.${name}: ${name} is not specified`);
}

function checkBlob(problems: Problems, blob: unknown, path: string): void {
  if (!isRecord(blob)) return invalidValue(problems, path, BLOB, blob);
  const mimeType = field(blob, 'mimeType');
  if (typeof mimeType !== 'string' || mimeType === '') notSpecified(problems, path, 'mime_type');
  const data = field(blob, 'data');
  if (data === undefined || data === '') return notSpecified(problems, path, 'data');
  if (typeof data !== 'string') return invalidValue(problems, `${path}.data`, 'TYPE_BYTES', data);
  if (!isGoogleBase64(data)) {
    problems.parse.push({
      field: `${path}.data`,
      message: `Invalid value at '${path}.data' (TYPE_BYTES), Base64 decoding failed for ${preview(data)}`,
    });
  }
}

function checkFileData(problems: Problems, fileData: unknown, path: string): void {
  if (!isRecord(fileData)) return invalidValue(problems, path, 'type.googleapis.com/google.ai.generativelanguage.v1beta.FileData', fileData);
  const uri = field(fileData, 'fileUri');
  if (typeof uri !== 'string' || uri === '') notSpecified(problems, path, 'file_uri');
}

function checkName(problems: Problems, record: JsonObject, path: string): void {
  const name = record.name;
  if (typeof name !== 'string' || name === '') problems.violations.push(`${problems.request}.${path}.name: Name cannot be empty.`);
}

function checkFunctionCall(problems: Problems, call: unknown, path: string): void {
  if (!isRecord(call)) return invalidValue(problems, path, 'type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCall', call);
  checkName(problems, call, path);
  if (call.args !== undefined && !isRecord(call.args)) invalidValue(problems, `${path}.args`, STRUCT, call.args);
}

function checkFunctionResponse(problems: Problems, response: unknown, path: string): void {
  if (!isRecord(response)) {
    return invalidValue(problems, path, 'type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionResponse', response);
  }
  checkName(problems, response, path);
  if (response.response === undefined) notSpecified(problems, path, 'response');
  else if (!isRecord(response.response)) invalidValue(problems, `${path}.response`, STRUCT, response.response);
  const parts = response.parts;
  if (parts === undefined) return;
  if (!Array.isArray(parts)) return invalidValue(problems, `${path}.parts`, 'list', parts);
  parts.forEach((part: unknown, index) => {
    const partPath = `${path}.parts[${index}]`;
    if (!isRecord(part)) return invalidValue(problems, partPath, 'type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionResponsePart', part);
    const inline = field(part, 'inlineData');
    if (inline !== undefined) checkBlob(problems, inline, `${partPath}.inline_data`);
    const file = field(part, 'fileData');
    if (file !== undefined) checkFileData(problems, file, `${partPath}.file_data`);
  });
}

function checkPart(problems: Problems, part: JsonObject, path: string): void {
  for (const key of Object.keys(part)) {
    if (!KNOWN_PART_FIELDS.has(key)) {
      problems.parse.push({ field: path, message: `Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.` });
    }
  }
  const dataKeys = Object.keys(part).filter((key) => part[key] !== undefined && PART_DATA_FIELDS.some((name) => key === name || key === snakeCase(name)));
  if (dataKeys.length > 1) {
    problems.parse.push({ field: path, message: `Invalid value at '${path}' (oneof), oneof field 'data' is already set. Cannot set '${dataKeys[1]}'` });
    return;
  }
  const inline = field(part, 'inlineData');
  if (inline !== undefined) checkBlob(problems, inline, `${path}.inline_data`);
  const fileData = field(part, 'fileData');
  if (fileData !== undefined) checkFileData(problems, fileData, `${path}.file_data`);
  const call = field(part, 'functionCall');
  if (call !== undefined) checkFunctionCall(problems, call, `${path}.function_call`);
  const response = field(part, 'functionResponse');
  if (response !== undefined) checkFunctionResponse(problems, response, `${path}.function_response`);
  const thought = part.thought;
  if (thought !== undefined && typeof thought !== 'boolean') invalidValue(problems, `${path}.thought`, 'TYPE_BOOL', thought);
  const signature = field(part, 'thoughtSignature');
  // Google also base64-decodes signatures (TYPE_BYTES); the emulator accepts any string so tests may use readable ones.
  if (signature !== undefined && typeof signature !== 'string') invalidValue(problems, `${path}.thought_signature`, 'TYPE_BYTES', signature);
}

/**
 * Checks what each part holds once every part is known to carry data: unknown fields, two data fields in one part,
 * base64 of inline data, and the required members of fileData / functionCall / functionResponse.
 * `request` names the request message in `* <request>.<path>: …` lines.
 */
export function validatePartShapes(lists: PartList[], request = 'GenerateContentRequest'): GoogleErrorReply | undefined {
  const problems: Problems = { request, parse: [], violations: [] };
  for (const { parts, path } of lists) {
    parts.forEach((part, index) => {
      if (isRecord(part)) checkPart(problems, part, `${path}.parts[${index}]`);
    });
  }
  if (problems.parse.length > 0) {
    return invalidArgument(
      problems.parse.map((problem) => problem.message),
      problems.parse.map((problem) => problem.field),
    );
  }
  return problems.violations.length > 0 ? fieldViolationsError(problems.violations) : undefined;
}
