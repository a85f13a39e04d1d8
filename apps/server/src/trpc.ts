import {
  AppError,
  appRouter,
  authenticateBearer,
  bearerToken,
  RateLimitedError,
  toTRPCError,
  type Context,
  type ServiceDeps,
} from '@chat/api/server';
import type {
  FastifyTRPCPluginOptions,
  CreateFastifyContextOptions,
} from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { AppRouter, SubscriberConnection } from '@chat/api/server';
import { WebSocket } from 'ws';
import type { AuthAttemptLimiter } from './auth-rate-limit.js';
import { closeOnRevocation } from './close-on-revocation.js';
import { isClientFault } from './logger.js';
import { metrics } from './metrics.js';
import type { Limiter } from './rate-limit.js';

/**
 * The tRPC context of an HTTP request or a WebSocket connection: the token comes from the
 * Authorization header, or from the connection params that wsLink sends first.
 */
export function trpcOptions(
  deps: ServiceDeps,
  log: FastifyBaseLogger,
  maxBufferedBytes: number,
  limitAuthAttempt: AuthAttemptLimiter,
  limitWrite: Limiter,
  onUnavailable: (error: unknown) => void = () => {},
): FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] {
  return {
    router: appRouter,
    createContext: async ({ req, res, info }: CreateFastifyContextOptions): Promise<Context> => {
      const param = info.connectionParams?.token;
      const token =
        bearerToken(req.headers.authorization) ?? (typeof param === 'string' ? param : undefined);
      const actor = token ? await authenticateBearer(deps, token).catch(noActor) : null;
      // Over the WebSocket, `res` is the socket itself.
      const socket = res instanceof WebSocket ? res : undefined;
      if (socket && actor) closeOnRevocation(deps, actor, socket, log);
      // Over the WebSocket `req` is Node's raw request: no `ip` of Fastify's there.
      const ip =
        ('ip' in req ? req.ip : undefined) ??
        (req as { socket?: { remoteAddress?: string } }).socket?.remoteAddress ??
        'unknown';
      return {
        deps,
        actor,
        limitAuthAttempt: (name) => limitAuthAttempt(ip, name),
        limitWrite,
        connection: socket && slowConsumerGuard(socket, maxBufferedBytes, log),
      };
    },
    // A 429 over HTTP says when to try again, as REST's does.
    responseMeta: ({ errors }) => {
      const waits = errors.flatMap((error) =>
        error.cause instanceof RateLimitedError ? [error.cause.retryAfterSeconds] : [],
      );
      return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
    },
    onError: ({ error, path, req }) => {
      if (error.code === 'SERVICE_UNAVAILABLE') onUnavailable(error.cause);
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      // Over the WebSocket, tRPC hands over the raw IncomingMessage: no request logger there.
      const requestLog = (req as Partial<Pick<typeof req, 'log'>>).log ?? log;
      // a socket error of tRPC's WebSocket (an oversized frame, invalid UTF-8) is the client's
      if (isClientFault(error.cause))
        return requestLog.debug({ reason: error.cause?.message }, 'tRPC socket fault');
      requestLog.error({ err: error, path }, 'tRPC procedure failed');
    },
  };
}

/**
 * A token that does not stand is no actor (public procedures still answer, protected ones say
 * UNAUTHORIZED); a database that cannot say is SERVICE_UNAVAILABLE, not a signed-out user.
 */
function noActor(error: unknown): null {
  if (error instanceof AppError && error.code === 'UNAUTHORIZED') return null;
  throw toTRPCError(error) ?? error;
}

/** tRPC's WebSocket handler sends without looking at backpressure: subscriptions look for it. */
function slowConsumerGuard(
  socket: WebSocket,
  maxBufferedBytes: number,
  log: FastifyBaseLogger,
): SubscriberConnection {
  return {
    delivered: (message) => metrics.delivered(message, 'trpc-ws'),
    cutOffIfBehind: () => {
      if (socket.bufferedAmount <= maxBufferedBytes) return false;
      log.warn({ buffered: socket.bufferedAmount }, 'slow tRPC subscriber cut off');
      socket.terminate();
      return true;
    },
  };
}
