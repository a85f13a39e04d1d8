// The REST shim of API.md under /api: thin routes over the same services as tRPC.
import type { ServiceDeps } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuthAttemptLimiter } from '../auth-rate-limit.js';
import { authenticate } from '../plugins/auth.js';
import { authRoutes } from './auth.js';
import { channelRoutes } from './channels.js';
import { integrationRoutes } from './integrations.js';
import { messageRoutes } from './messages.js';
import { userRoutes } from './users.js';

export interface RestOptions {
  deps: ServiceDeps;
  authenticate: ReturnType<typeof authenticate>;
  limitAuthAttempt: AuthAttemptLimiter;
}

export const restRoutes: FastifyPluginAsyncZod<Omit<RestOptions, 'authenticate'>> = async (
  app,
  options,
) => {
  // Named one by one: `options` also holds the `/api` prefix, which must not apply twice.
  const routeOptions: RestOptions = {
    deps: options.deps,
    limitAuthAttempt: options.limitAuthAttempt,
    authenticate: authenticate(options.deps),
  };
  await app.register(authRoutes, routeOptions);
  // Everything else needs a signed-in user.
  await app.register(async (protectedApp) => {
    protectedApp.addHook('onRequest', routeOptions.authenticate);
    await protectedApp.register(userRoutes, routeOptions);
    await protectedApp.register(channelRoutes, routeOptions);
    await protectedApp.register(messageRoutes, routeOptions);
    await protectedApp.register(integrationRoutes, routeOptions);
  });
};
