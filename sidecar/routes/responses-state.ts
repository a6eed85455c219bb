import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { InvalidRequestError, NotFoundError } from '../errors/sidecar-error';
import type { AppDeps } from '../server/app-deps';
import { tenantOf, type ResponseStore, type StoredResponse } from '../store/response-store';
import type { OpenAIResponsesRequest, ResponsesInputItem } from '../translate/responses/openai-responses-schema';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const NO_STORE = 'Responses are not stored on this sidecar: set REDIS_URL (store.redisUrl) and STORE_ENCRYPTION_KEY to turn the response store on.';

/**
 * What the Responses routes keep between requests, through the shared store (Redis) when one is configured: the
 * conversation of each stored response, readable only by the credential that created it.
 */
export class ResponsesState {
  constructor(private readonly deps: Pick<AppDeps, 'responseStore'>) {}

  get configured(): boolean {
    return this.deps.responseStore !== undefined;
  }

  /** The caller's credential (Bearer, else x-goog-api-key), hashed: behind a trusted ingress without one, all callers share one tenant. */
  tenantOf(headers: IncomingHttpHeaders): string {
    const googleKey = headers['x-goog-api-key'];
    const credential = BEARER.exec(headers.authorization ?? '')?.[1] ?? (Array.isArray(googleKey) ? googleKey[0] : googleKey) ?? '';
    return tenantOf(credential);
  }

  /** OpenAI stores by default; without a store nothing is stored, and the response echoes `store: false`. */
  willStore(request: OpenAIResponsesRequest): boolean {
    return this.configured && request.store !== false;
  }

  /** The conversation to continue: the stored turn's input, then its output. */
  async history(tenant: string, id: string): Promise<ResponsesInputItem[]> {
    const store = this.requireStore('previous_response_id');
    const stored = await store.get(tenant, id);
    if (!stored) throw new InvalidRequestError(`Previous response with id '${id}' not found.`, 'previous_response_id', 'previous_response_not_found');
    const output = Array.isArray(stored.response.output) ? (stored.response.output as ResponsesInputItem[]) : [];
    return [...(stored.input as ResponsesInputItem[]), ...output];
  }

  /** Stores a finished response when the request wants it; input items get ids, as OpenAI lists them with ids. */
  async save(tenant: string, input: readonly ResponsesInputItem[], response: Record<string, unknown> & { id: string }, request: OpenAIResponsesRequest): Promise<void> {
    const store = this.deps.responseStore;
    if (!store || !this.willStore(request)) return;
    const withIds = input.map((item, index) => (typeof item.id === 'string' ? item : { ...item, id: `item_${response.id.slice(5, 29)}${index.toString(16).padStart(4, '0')}` }));
    await store.put(tenant, { id: response.id, input: withIds, response });
  }

  /** `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}`, `GET /v1/responses/{id}/input_items`. */
  handlers(): { retrieve: RequestHandler; remove: RequestHandler; inputItems: RequestHandler } {
    const load = async (headers: IncomingHttpHeaders, id: string): Promise<StoredResponse> => {
      const stored = await this.requireStore(null, true).get(this.tenantOf(headers), id);
      if (!stored) throw new NotFoundError(`No response found with id '${id}'.`, 'response_not_found');
      return stored;
    };
    return {
      retrieve: async (req, res) => {
        res.json((await load(req.headers, String(req.params.id))).response);
      },
      remove: async (req, res) => {
        const id = String(req.params.id);
        const deleted = await this.requireStore(null, true).delete(this.tenantOf(req.headers), id);
        if (!deleted) throw new NotFoundError(`No response found with id '${id}'.`, 'response_not_found');
        res.json({ id, object: 'response', deleted: true });
      },
      inputItems: async (req, res) => {
        const stored = await load(req.headers, String(req.params.id));
        res.json(pageOfItems(stored.input as ResponsesInputItem[], req.query));
      },
    };
  }

  private requireStore(param: string | null, notFound = false): ResponseStore {
    const store = this.deps.responseStore;
    if (store) return store;
    if (notFound) throw new NotFoundError(NO_STORE, 'response_store_not_configured');
    throw new InvalidRequestError(`previous_response_id needs stored responses. ${NO_STORE}`, param, 'response_store_not_configured');
  }
}

/** OpenAI's list page: `limit` 1–100 (default 20), `order` desc by default, `after` an item id. */
function pageOfItems(items: readonly ResponsesInputItem[], query: Record<string, unknown>): Record<string, unknown> {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidRequestError('limit must be an integer from 1 to 100.', 'limit', 'invalid_value');
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new InvalidRequestError("order must be 'asc' or 'desc'.", 'order', 'invalid_value');
  const listed = items.map(listedItem);
  const ordered = order === 'asc' ? listed : listed.reverse();
  const after = typeof query.after === 'string' ? ordered.findIndex((item) => item.id === query.after) : -1;
  const page = ordered.slice(after + 1, after + 1 + limit);
  return {
    object: 'list',
    data: page,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: after + 1 + limit < ordered.length,
  };
}

/**
 * An input item as OpenAI lists it: an easy-form message (`{role, content: "…"}`, stored as the client sent it) is a
 * full message item, with `type`, `status` and content parts, the shape the SDKs' ResponseItem types expect.
 */
function listedItem(item: ResponsesInputItem): ResponsesInputItem {
  if ((item.type ?? 'message') !== 'message' || typeof item.role !== 'string') return item;
  const text = item.role === 'assistant' ? { type: 'output_text', annotations: [] } : { type: 'input_text' };
  const content = typeof item.content === 'string' ? [{ ...text, text: item.content }] : item.content;
  return { ...item, type: 'message', status: item.status ?? 'completed', content };
}
