/**
 * The bench's ceiling: what a pass-through on the same stack costs without any translation or observability.
 * Express 5 + express.json() + one undici Pool request to the upstream + a JSON rewrite of similar size (OpenAI
 * shape in, Gemini shape out and back), no validation, no logging, no metrics, no tracing.
 *
 * Run: node ceiling.js --port N --upstream http://127.0.0.1:M. Exits when its stdin closes (the runner died).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

type Json = Record<string, unknown>;
interface OpenAIMessage {
  role: string;
  content: string | Array<{ type: string; text?: string; image_url?: { url: string } }>;
}
interface GeminiPart {
  text?: string;
}
interface GeminiCandidate {
  index?: number;
  content?: { parts?: GeminiPart[] };
  finishReason?: string;
}
interface GeminiResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
  responseId?: string;
}

const DATA_URL = /^data:([^;,]+);base64,/;

function keyOf(request: Request): string {
  return /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
}

function toParts(content: OpenAIMessage['content']): Json[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part) => {
    const url = part.image_url?.url;
    const match = url ? DATA_URL.exec(url) : null;
    if (url && match) return { inlineData: { mimeType: match[1], data: url.slice(match[0].length) } };
    return { text: part.text ?? '' };
  });
}

function toGemini(body: { messages: OpenAIMessage[]; temperature?: number; max_tokens?: number }): Json {
  const system = body.messages.filter((message) => message.role === 'system');
  return {
    contents: body.messages
      .filter((message) => message.role !== 'system')
      .map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: toParts(message.content) })),
    ...(system.length > 0 ? { systemInstruction: { parts: system.flatMap((message) => toParts(message.content)) } } : {}),
    generationConfig: { temperature: body.temperature, maxOutputTokens: body.max_tokens },
  };
}

function text(candidate: GeminiCandidate | undefined): string {
  return (candidate?.content?.parts ?? []).map((part) => part.text ?? '').join('');
}

function finish(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  return reason === 'MAX_TOKENS' ? 'length' : 'stop';
}

function usage(gemini: GeminiResponse): Json {
  const meta = gemini.usageMetadata ?? {};
  return { prompt_tokens: meta.promptTokenCount ?? 0, completion_tokens: meta.candidatesTokenCount ?? 0, total_tokens: meta.totalTokenCount ?? 0 };
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' }, host: { type: 'string' } } });
  if (!values.upstream) throw new Error('--upstream is required');
  const pool = new Pool(values.upstream, { keepAliveTimeout: 30_000 });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const json = express.json({ limit: 64 * 1024 * 1024, type: () => true });

  const call = (path: string, key: string, body: Json) =>
    pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': key }, body: JSON.stringify(body) });

  app.post('/v1/chat/completions', json, async (req: Request, res: Response) => {
    const body = req.body as { model: string; stream?: boolean; messages: OpenAIMessage[] };
    const created = Math.floor(Date.now() / 1000);
    const method = body.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const upstream = await call(`/v1beta/models/${body.model}:${method}`, keyOf(req), toGemini(body));
    if (upstream.statusCode !== 200 || !body.stream) {
      const gemini = JSON.parse(await upstream.body.text()) as GeminiResponse;
      if (upstream.statusCode !== 200) {
        res.status(upstream.statusCode).json(gemini);
        return;
      }
      res.json({
        id: gemini.responseId ?? 'chatcmpl-ceiling',
        object: 'chat.completion',
        created,
        model: body.model,
        choices: (gemini.candidates ?? []).map((candidate) => ({
          index: candidate.index ?? 0,
          message: { role: 'assistant', content: text(candidate) },
          finish_reason: finish(candidate.finishReason) ?? 'stop',
        })),
        usage: usage(gemini),
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.once('close', () => upstream.body.destroy());
    upstream.body.setEncoding('utf8');
    let buffer = '';
    for await (const piece of upstream.body as AsyncIterable<string>) {
      buffer += piece;
      for (let end = buffer.search(/\r?\n\r?\n/); end !== -1; end = buffer.search(/\r?\n\r?\n/)) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
        if (!event.startsWith('data:')) continue;
        const gemini = JSON.parse(event.slice(5)) as GeminiResponse;
        const chunk = {
          id: gemini.responseId ?? 'chatcmpl-ceiling',
          object: 'chat.completion.chunk',
          created,
          model: body.model,
          choices: (gemini.candidates ?? []).map((candidate) => ({
            index: candidate.index ?? 0,
            delta: { content: text(candidate) },
            finish_reason: finish(candidate.finishReason),
          })),
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
    }
    res.end('data: [DONE]\n\n');
  });

  app.post('/v1/embeddings', json, async (req: Request, res: Response) => {
    const body = req.body as { model: string; input: string | string[]; dimensions?: number };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const requests = inputs.map((input) => ({
      model: `models/${body.model}`,
      content: { parts: [{ text: input }] },
      ...(body.dimensions ? { outputDimensionality: body.dimensions } : {}),
    }));
    const upstream = await call(`/v1beta/models/${body.model}:batchEmbedContents`, keyOf(req), { requests });
    const gemini = JSON.parse(await upstream.body.text()) as { embeddings?: Array<{ values: number[] }> };
    if (upstream.statusCode !== 200) {
      res.status(upstream.statusCode).json(gemini);
      return;
    }
    res.json({
      object: 'list',
      data: (gemini.embeddings ?? []).map((embedding, index) => ({ object: 'embedding', index, embedding: embedding.values })),
      model: body.model,
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    if (!res.headersSent) res.status(502).json({ error: { message: error.message, type: 'ceiling_error' } });
    else res.destroy();
  });

  const server = app.listen(Number(values.port ?? 0), values.host ?? '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

main();
