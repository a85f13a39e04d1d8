import { appRouter, bearerToken, verifyAccessToken, type Context, type ServiceDeps } from '@chat/api/server';
import type { FastifyTRPCPluginOptions, CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { AppRouter } from '@chat/api/server';

/**
 * The tRPC context of an HTTP request or a WebSocket connection: the token comes from the
 * Authorization header, or from the connection params that wsLink sends first.
 */
export function trpcOptions(
  deps: ServiceDeps,
  log: FastifyBaseLogger,
): FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] {
  return {
    router: appRouter,
    createContext: async ({ req, info }: CreateFastifyContextOptions): Promise<Context> => {
      const param = info.connectionParams?.token;
      const token = bearerToken(req.headers.authorization) ?? (typeof param === 'string' ? param : undefined);
      const actor = token ? await verifyAccessToken(deps.tokens, token).catch(() => null) : null;
      return { deps, actor };
    },
    onError: ({ error, path, req }) => {
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      // Over the WebSocket, tRPC hands over the raw IncomingMessage: no request logger there.
      const requestLog = (req as Partial<Pick<typeof req, 'log'>>).log ?? log;
      requestLog.error({ err: error, path }, 'tRPC procedure failed');
    },
  };
}
