import type { GoogleAuth } from 'google-auth-library';
import { AccessTokens, CredentialsUnavailableError, type TokenEvent } from '@sidecar/gemini/backends/access-tokens';

/** An AuthClient as AccessTokens uses it: tokens with an expiry, or failures, counted. */
function stubAuth(lifetimeMs: number) {
  const state = { calls: 0, failing: false, hang: false };
  const client = {
    eagerRefreshThresholdMillis: 0,
    credentials: {} as { expiry_date?: number },
    async getAccessToken() {
      state.calls++;
      if (state.hang) return new Promise<never>(() => undefined);
      if (state.failing) throw new Error('Could not refresh access token: 503 from metadata server\nstack...');
      client.credentials = { expiry_date: Date.now() + lifetimeMs };
      return { token: `token-${state.calls}` };
    },
  };
  const auth = { getClient: async () => client, getProjectId: async () => 'p' } as unknown as GoogleAuth;
  return { auth, client, state };
}

describe('AccessTokens', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('caches the token, sets the library\'s refresh window, and replaces the token at expiry minus the margin off the request path', async () => {
    const { auth, client, state } = stubAuth(3_600_000);
    const events: TokenEvent[] = [];
    const tokens = new AccessTokens(auth, { refreshMarginMs: 300_000, timeoutMs: 1000, onEvent: (event) => events.push(event) });
    await tokens.start();
    expect(client.eagerRefreshThresholdMillis).toBe(300_000);
    expect(await tokens.token()).toBe('token-1');
    expect(await tokens.token()).toBe('token-1');
    expect(state.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(3_300_000 - 1000);
    expect(state.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(state.calls).toBe(2);
    expect(await tokens.token()).toBe('token-2');
    expect(events.map((event) => event.kind)).toEqual(['refreshed', 'refreshed']);
    expect(events[0]).toMatchObject({ first: true, expiresInMs: 3_600_000 });
    tokens.stop();
  });

  it('keeps serving the current token while refreshes fail, retrying with backoff', async () => {
    const { auth, state } = stubAuth(600_000);
    const events: TokenEvent[] = [];
    const tokens = new AccessTokens(auth, { refreshMarginMs: 300_000, timeoutMs: 1000, onEvent: (event) => events.push(event) });
    await tokens.start();
    state.failing = true;
    await jest.advanceTimersByTimeAsync(300_000);
    expect(await tokens.token()).toBe('token-1');
    await jest.advanceTimersByTimeAsync(1000 + 2000);
    expect(events.filter((event) => event.kind === 'failed').map((event) => (event as { retryInMs: number }).retryInMs)).toEqual([1000, 2000, 4000]);
    expect(events.at(-1)).toMatchObject({ first: false, reason: 'Could not refresh access token: 503 from metadata server' });
    tokens.stop();
  });

  it('without a token: start rejects, token() fails with 503 upstream_credentials_unavailable naming the cause', async () => {
    const { auth, state } = stubAuth(600_000);
    state.failing = true;
    const tokens = new AccessTokens(auth, { refreshMarginMs: 300_000, timeoutMs: 1000 });
    await expect(tokens.start()).rejects.toThrow(/503 from metadata server/);
    expect(tokens.ready).toBe(false);
    const calls = state.calls;
    await expect(tokens.token()).rejects.toMatchObject({ status: 503, code: 'upstream_credentials_unavailable', message: expect.stringContaining('503 from metadata server') });
    // Answered from the last failure, without another fetch on the request path; the timer retries.
    expect(state.calls).toBe(calls);
    state.failing = false;
    await jest.advanceTimersByTimeAsync(1000);
    expect(await tokens.token()).toBe(`token-${calls + 1}`);
    tokens.stop();
  });

  it('bounds the wait for a token that never comes by timeoutMs', async () => {
    const { auth, state } = stubAuth(600_000);
    state.hang = true;
    const tokens = new AccessTokens(auth, { refreshMarginMs: 300_000, timeoutMs: 1000 });
    const pending = tokens.token();
    const settled = expect(pending).rejects.toBeInstanceOf(CredentialsUnavailableError);
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
    tokens.stop();
  });
});
