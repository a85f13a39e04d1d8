// The plain JSON WebSocket of API.md at /ws: authenticated on the upgrade (401 otherwise).
import { authenticateBearer, bearerToken, unauthorized, type ServiceDeps } from '@chat/api/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { closeOnRevocation } from '../close-on-revocation.js';
import { WsConnection, type StoreGuard, type WsLimits } from './connection.js';
import { pingInTurns } from './heartbeat.js';

export interface WsRouteOptions {
  deps: ServiceDeps;
  limits: WsLimits;
  stores: StoreGuard;
}

export const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (
  app,
  { deps, limits, stores },
) => {
  const open = new Set<WsConnection>();
  /** The HTTP response of each upgrade, until its socket is a WebSocket's. */
  const upgrades = new WeakMap<IncomingMessage, ServerResponse>();
  // @fastify/websocket only starts closing the sockets as the app closes: their disconnects
  // (presence, lastSeen) are recorded here, before the stores behind them are closed.
  const heartbeat = setInterval(() => pingInTurns([...open]), limits.pingIntervalMs).unref();
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    await Promise.allSettled([...open].map((connection) => connection.stop()));
  });

  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        upgrades.set(request.raw, reply.raw);
        const query = request.query as { token?: unknown };
        const token =
          typeof query.token === 'string'
            ? query.token
            : bearerToken(request.headers.authorization);
        if (!token) throw unauthorized('Missing access token');
        request.actor = await stores.watch(authenticateBearer(deps, token));
      },
    },
    (socket, request) => {
      if (!request.actor) return socket.close(1008, 'unauthenticated');
      const tcp = request.raw.socket;
      // The upgrade's HTTP response stays attached to the TCP socket, and with it the request,
      // its headers and the URL with the token, for as long as the WebSocket lives: let go.
      upgrades.get(request.raw)?.detachSocket(tcp);
      // @fastify/websocket's 'error' listener holds the request and reply for the same time;
      // the connection's own listener takes its place (ws closes a failed socket itself).
      socket.removeAllListeners('error');
      // The route's logger, shared by every connection (a request's own would be kept per socket).
      const log = app.log;
      const connection = new WsConnection(socket, tcp, request.actor, deps, log, limits, stores);
      open.add(connection);
      closeOnRevocation(deps, request.actor, socket, log);
      socket.once('close', () => open.delete(connection));
      void stores.watch(connection.start());
    },
  );
};
