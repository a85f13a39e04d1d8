import { TRPCClientError, type Operation, type OperationResultEnvelope } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { describe, expect, it, vi } from 'vitest';
import { isUnauthorized, refreshLink, type RefreshLinkOptions } from './refresh-link';

type Envelope = OperationResultEnvelope<unknown, TRPCClientError<never>>;
type Attempt = (
  op: Operation,
  observer: { next(value: Envelope): void; error(error: unknown): void; complete(): void },
) => void;

const errorWithCode = (code: string) =>
  TRPCClientError.from({ error: { code: -32001, message: code, data: { code, httpStatus: 401 } } });

function operation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 1,
    type: 'query',
    path: 'auth.me',
    input: undefined,
    context: {},
    signal: null,
    ...overrides,
  };
}

/** Runs the link over a fake next link whose n-th call behaves as attempts[n]. */
function run(attempts: Attempt[], options: Partial<RefreshLinkOptions> = {}, op = operation()) {
  let token = 'old';
  const seen: Operation[] = [];
  const replaceToken = vi.fn(async (stale: string | null) => {
    await Promise.resolve();
    token = stale === 'old' ? 'new' : 'newer';
    return token;
  });
  const link = refreshLink({ currentToken: () => token, replaceToken, ...options })({});
  const values: unknown[] = [];
  const done = new Promise<{ error?: unknown }>((resolve) => {
    link({
      op,
      next: (nextOp) =>
        observable((observer) => {
          seen.push(nextOp);
          attempts[seen.length - 1]?.(nextOp, observer);
        }),
    }).subscribe({
      next: (value) => values.push(value.result),
      error: (error) => resolve({ error }),
      complete: () => resolve({}),
    });
  });
  return { done, seen, values, replaceToken };
}

const succeed: Attempt = (_op, observer) => {
  observer.next({ result: { type: 'data', data: 'ok' } });
  observer.complete();
};
const refuse: Attempt = (_op, observer) => observer.error(errorWithCode('UNAUTHORIZED'));

describe('refreshLink', () => {
  it('recognises UNAUTHORIZED client errors only', () => {
    expect(isUnauthorized(errorWithCode('UNAUTHORIZED'))).toBe(true);
    expect(isUnauthorized(errorWithCode('FORBIDDEN'))).toBe(false);
    expect(isUnauthorized(new Error('UNAUTHORIZED'))).toBe(false);
  });

  it('passes results through untouched', async () => {
    const { done, values, replaceToken } = run([succeed]);
    expect(await done).toEqual({});
    expect(values).toEqual([{ type: 'data', data: 'ok' }]);
    expect(replaceToken).not.toHaveBeenCalled();
  });

  it('refreshes the token after UNAUTHORIZED and tries once more', async () => {
    const { done, values, replaceToken, seen } = run([refuse, succeed]);
    expect(await done).toEqual({});
    expect(replaceToken).toHaveBeenCalledWith('old');
    expect(seen).toHaveLength(2);
    expect(values).toEqual([{ type: 'data', data: 'ok' }]);
  });

  it('gives up after one retry', async () => {
    const { done, seen } = run([refuse, refuse, succeed]);
    const { error } = await done;
    expect(isUnauthorized(error)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('passes other errors on without refreshing', async () => {
    const { done, replaceToken } = run([
      (_op, observer) => observer.error(errorWithCode('FORBIDDEN')),
    ]);
    expect((await done).error).toBeInstanceOf(TRPCClientError);
    expect(replaceToken).not.toHaveBeenCalled();
  });

  it('reports the original error when the session cannot be refreshed', async () => {
    const { done } = run([refuse, succeed], { replaceToken: () => Promise.resolve(null) });
    expect(isUnauthorized((await done).error)).toBe(true);
  });

  it('resumes a retried subscription after the last event it delivered', async () => {
    const beforeRetry = vi.fn(() => Promise.resolve());
    const deliverThenRefuse: Attempt = (_op, observer) => {
      observer.next({ result: { type: 'data', id: '41', data: 'm41' } });
      observer.next({ result: { type: 'data', id: '42', data: 'm42' } });
      observer.error(errorWithCode('UNAUTHORIZED'));
    };
    const op = operation({
      type: 'subscription',
      path: 'realtime.messages',
      input: { channelId: 'c', lastEventId: '40' },
    });
    const { done, seen } = run([deliverThenRefuse, succeed], { beforeRetry }, op);
    await done;
    expect(beforeRetry).toHaveBeenCalledOnce();
    expect(seen.map((o) => o.input)).toEqual([
      { channelId: 'c', lastEventId: '40' },
      { channelId: 'c', lastEventId: '42' },
    ]);
  });

  it('refreshes the token the socket used when a subscription is refused', async () => {
    const op = operation({ type: 'subscription', path: 'realtime.events' });
    const { done, replaceToken } = run(
      [refuse, succeed],
      { socketToken: () => 'socket', beforeRetry: () => Promise.resolve() },
      op,
    );
    await done;
    expect(replaceToken).toHaveBeenCalledWith('socket');
  });

  it('retries a subscription only after its old socket is gone', async () => {
    const order: string[] = [];
    const beforeRetry = () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          order.push('socket closed');
          resolve();
        }, 5),
      );
    const op = operation({ type: 'subscription', path: 'realtime.events' });
    const retried: Attempt = (retriedOp, observer) => {
      order.push('retried');
      succeed(retriedOp, observer);
    };
    const { done } = run([refuse, retried], { beforeRetry }, op);
    await done;
    expect(order).toEqual(['socket closed', 'retried']);
  });
});
