// A WebSocket (plain /ws or tRPC's) signed in with a personal access token closes when that
// token is revoked, on whichever instance it is revoked.
import { watchRevocation, type Actor, type ServiceDeps } from '@chat/api/server';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';

export function closeOnRevocation(
  deps: ServiceDeps,
  actor: Actor,
  socket: WebSocket,
  log: FastifyBaseLogger,
): void {
  if (!actor.accessTokenId) return; // a login session's end reaches the connection itself
  const watching = watchRevocation(deps, actor, () =>
    socket.close(1008, 'access token revoked'),
  ).catch((error: unknown) => {
    // without the watch a revoked token would keep its socket: better to let the client retry
    log.warn({ err: error }, 'cannot watch the access token for revocation: closing');
    socket.close(1011, 'try again');
    return () => {};
  });
  socket.once('close', () => void watching.then((stop) => stop()));
}
