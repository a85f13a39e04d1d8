// The plain JSON WebSocket of API.md at /ws: authenticated on the upgrade (401 otherwise).
import { authenticateBearer, bearerToken, unauthorized, type ServiceDeps } from '@chat/api/server';
import type { FastifyPluginAsync } from 'fastify';
import { closeOnRevocation } from '../close-on-revocation.js';
import { WsConnection, type WsLimits } from './connection.js';

export interface WsRouteOptions {
  deps: ServiceDeps;
  limits: WsLimits;
}

export const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (app, { deps, limits }) => {
  const open = new Set<WsConnection>();
  // @fastify/websocket only starts closing the sockets as the app closes: their disconnects
  // (presence, lastSeen) are recorded here, before the stores behind them are closed.
  const heartbeat = setInterval(() => {
    for (const connection of open) connection.heartbeat();
  }, limits.pingIntervalMs).unref();
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    await Promise.allSettled([...open].map((connection) => connection.stop()));
  });

  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        const query = request.query as { token?: unknown };
        const token =
          typeof query.token === 'string'
            ? query.token
            : bearerToken(request.headers.authorization);
        if (!token) throw unauthorized('Missing access token');
        request.actor = await authenticateBearer(deps, token);
      },
    },
    (socket, request) => {
      if (!request.actor) return socket.close(1008, 'unauthenticated');
      const connection = new WsConnection(
        socket,
        request.raw.socket,
        request.actor,
        deps,
        request.log,
        limits,
      );
      open.add(connection);
      closeOnRevocation(deps, request.actor, socket, request.log);
      socket.once('close', () => open.delete(connection));
      void connection.start();
    },
  );
};
