// The plain JSON WebSocket of API.md at /ws: authenticated on the upgrade (401 otherwise).
import { bearerToken, unauthorized, verifyAccessToken, type ServiceDeps } from '@chat/api/server';
import type { FastifyPluginAsync } from 'fastify';
import { WsConnection, type WsLimits } from './connection.js';

export interface WsRouteOptions {
  deps: ServiceDeps;
  limits: WsLimits;
}

export const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (app, { deps, limits }) => {
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        const query = request.query as { token?: unknown };
        const token = typeof query.token === 'string' ? query.token : bearerToken(request.headers.authorization);
        if (!token) throw unauthorized('Missing access token');
        request.actor = await verifyAccessToken(deps.tokens, token);
      },
    },
    (socket, request) => {
      if (!request.actor) return socket.close(1008, 'unauthenticated');
      const connection = new WsConnection(socket, request.actor, deps, request.log, limits);
      void connection.start();
    },
  );
};
