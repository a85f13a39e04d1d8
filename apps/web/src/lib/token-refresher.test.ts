import { describe, expect, it, vi } from 'vitest';
import type { TokenPair } from './api-types';
import {
  createTokenRefresher,
  RefreshRejectedError,
  type TokenRefresherOptions,
} from './token-refresher';

function setup(overrides: Partial<TokenRefresherOptions> = {}) {
  let stored: TokenPair | null = { accessToken: 'access-1', refreshToken: 'refresh-1' };
  let issued = 1;
  const request = vi.fn(async (refreshToken: string): Promise<TokenPair> => {
    await Promise.resolve();
    if (refreshToken !== `refresh-${issued}`) throw new RefreshRejectedError();
    issued += 1;
    return { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}` };
  });
  const expire = vi.fn(() => {
    stored = null;
  });
  const refresher = createTokenRefresher({
    read: () => stored,
    write: (tokens) => {
      stored = tokens;
    },
    expire,
    request,
    ...overrides,
  });
  return { refresher, request, expire, stored: () => stored };
}

describe('createTokenRefresher', () => {
  it('swaps the refresh token for a new pair and stores it', async () => {
    const { refresher, stored } = setup();
    await expect(refresher.refresh('access-1')).resolves.toBe('access-2');
    expect(stored()).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('sends one request for concurrent callers (a refresh token works only once)', async () => {
    const { refresher, request } = setup();
    const results = await Promise.all([
      refresher.refresh('access-1'),
      refresher.refresh('access-1'),
      refresher.refresh('access-1'),
    ]);
    expect(results).toEqual(['access-2', 'access-2', 'access-2']);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('returns the stored token without a request when someone else already refreshed', async () => {
    const { refresher, request } = setup();
    await refresher.refresh('access-1');
    // a request that was sent with the old token is refused later
    await expect(refresher.refresh('access-1')).resolves.toBe('access-2');
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('refreshes again once the first refresh has settled', async () => {
    const { refresher, request } = setup();
    await refresher.refresh('access-1');
    await expect(refresher.refresh('access-2')).resolves.toBe('access-3');
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('ends the session when the refresh token is refused', async () => {
    const request = vi.fn(() => Promise.reject(new RefreshRejectedError()));
    const { refresher, expire, stored } = setup({ request });
    await expect(refresher.refresh('access-1')).resolves.toBeNull();
    expect(expire).toHaveBeenCalledOnce();
    expect(stored()).toBeNull();
  });

  it('keeps the session when the refresh fails for another reason (the network)', async () => {
    const request = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const { refresher, expire, stored } = setup({ request });
    await expect(refresher.refresh('access-1')).rejects.toThrow('Failed to fetch');
    expect(expire).not.toHaveBeenCalled();
    expect(stored()).not.toBeNull();
  });

  it('answers null without a request when signed out', async () => {
    const { refresher, request } = setup({ read: () => null });
    await expect(refresher.refresh('access-1')).resolves.toBeNull();
    expect(request).not.toHaveBeenCalled();
  });

  it('runs the refresh inside the lock when one is given', async () => {
    const order: string[] = [];
    const { refresher } = setup({
      withLock: async (run) => {
        order.push('locked');
        const result = await run();
        order.push('released');
        return result;
      },
    });
    await refresher.refresh('access-1');
    expect(order).toEqual(['locked', 'released']);
  });
});
