import type { Request, Response } from 'express';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { abortOnClientClose, consumerOf, describeRequest, reportIgnoredParams } from './request-context';

/** What a route translated, as far as the start of its Gemini call needs it. */
export interface GenerateCallStart {
  /** The Gemini model called (after aliases). */
  model: string;
  /** The model the client named (the access log's). */
  requestModel: string;
  stream: boolean;
  unknownKeys: readonly string[];
  warnings: readonly string[];
}

/**
 * The shared start of a generateContent route: ignored params reported, the access-log fields set, the call's abort
 * signal (client gone or forced stop) and the GenAI operation billed to the request's consumer.
 */
export function beginGenerateCall(deps: AppDeps, req: Request, res: Response, apiKey: string | undefined, start: GenerateCallStart) {
  reportIgnoredParams(deps, res, start.model, start.unknownKeys, start.warnings);
  describeRequest(res, { model: start.requestModel, stream: start.stream });
  const call = { apiKey, signal: abortOnClientClose(req, res, deps.lifecycle.forceStop.signal) };
  const operation = new GenAIOperation(deps.metrics, deps.tracer, { operation: 'generate_content', model: start.model, stream: start.stream, consumer: consumerOf(res) });
  return { call, operation };
}
