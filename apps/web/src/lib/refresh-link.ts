// A tRPC link that answers UNAUTHORIZED by refreshing the access token and trying the operation
// once more. A subscription that is retried resumes after the last event it delivered.
import type { AppRouter } from '@chat/api';
import { TRPCClientError, type Operation, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';

export interface RefreshLinkOptions {
  /** The token a request goes out with now (to tell a stale one from one already replaced). */
  currentToken(): string | null;
  /** The token the socket authenticated with: the one a subscription's UNAUTHORIZED refers to. */
  socketToken?(): string | null;
  replaceToken(stale: string | null): Promise<string | null>;
  /** Runs after a refresh, before a subscription is retried (its socket must reconnect). */
  beforeRetry?(op: Operation): Promise<void>;
}

export function isUnauthorized(error: unknown): boolean {
  return (
    error instanceof TRPCClientError &&
    (error.data as { code?: unknown } | undefined)?.code === 'UNAUTHORIZED'
  );
}

function withLastEventId(op: Operation, lastEventId: string | null): Operation {
  if (lastEventId === null || typeof op.input !== 'object' || op.input === null) return op;
  return { ...op, input: { ...op.input, lastEventId } };
}

export function refreshLink(options: RefreshLinkOptions): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | null = null;
        let closed = false;
        let lastEventId: string | null = null;

        const attempt = (retried: boolean) => {
          const token = options.currentToken();
          subscription = next(withLastEventId(op, lastEventId)).subscribe({
            next(envelope) {
              const result = envelope.result as { type?: string; id?: unknown };
              if (result.type === 'data' && typeof result.id === 'string') lastEventId = result.id;
              observer.next(envelope);
            },
            error(error) {
              if (retried || !isUnauthorized(error)) {
                observer.error(error);
                return;
              }
              const refused =
                op.type === 'subscription' && options.socketToken ? options.socketToken() : token;
              void (async () => {
                const fresh = await options.replaceToken(refused).catch(() => null);
                if (fresh !== null && op.type === 'subscription') await options.beforeRetry?.(op);
                if (closed) return;
                if (fresh === null) observer.error(error);
                else attempt(true);
              })();
            },
            complete() {
              observer.complete();
            },
          });
        };

        attempt(false);
        return () => {
          closed = true;
          subscription?.unsubscribe();
        };
      });
}
