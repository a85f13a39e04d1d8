// The REST shim of API.md under /api: thin routes over the same services as tRPC.
import type { ServiceDeps } from '@chat/api/server';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuthAttemptLimiter } from '../auth-rate-limit.js';
import { actorOf, authenticate } from '../plugins/auth.js';
import type { Limiter } from '../rate-limit.js';
import { authRoutes } from './auth.js';
import { channelRoutes } from './channels.js';
import { fileDownloadRoutes, fileUploadRoutes } from './files.js';
import { integrationRoutes } from './integrations.js';
import { messageRoutes } from './messages.js';
import { socialRoutes } from './social.js';
import { searchRoutes } from './search.js';
import { userRoutes } from './users.js';

export interface RestOptions {
  deps: ServiceDeps;
  authenticate: ReturnType<typeof authenticate>;
  limitAuthAttempt: AuthAttemptLimiter;
  /** An onRequest hook after `authenticate`: counts one write against the caller's limit. */
  limitWrite: (request: FastifyRequest) => Promise<void>;
}

export interface RestRoutesOptions extends Pick<RestOptions, 'deps' | 'limitAuthAttempt'> {
  /** Counts one write of a user (REST and tRPC share it). */
  limitUserWrite: Limiter;
}

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export const restRoutes: FastifyPluginAsyncZod<RestRoutesOptions> = async (app, options) => {
  // Named one by one: `options` also holds the `/api` prefix, which must not apply twice.
  const routeOptions: RestOptions = {
    deps: options.deps,
    limitAuthAttempt: options.limitAuthAttempt,
    authenticate: authenticate(options.deps),
    limitWrite: (request) => options.limitUserWrite(actorOf(request).userId),
  };
  await app.register(authRoutes, routeOptions);
  // a signed URL works without a token: this route authenticates for itself
  await app.register(fileDownloadRoutes, routeOptions);
  // Everything else needs a signed-in user; each write counts against the user's limit.
  await app.register(async (protectedApp) => {
    protectedApp.addHook('onRequest', routeOptions.authenticate);
    protectedApp.addHook('onRequest', async (request) => {
      if (!readMethods.has(request.method)) await routeOptions.limitWrite(request);
    });
    await protectedApp.register(userRoutes, routeOptions);
    await protectedApp.register(channelRoutes, routeOptions);
    await protectedApp.register(messageRoutes, routeOptions);
    await protectedApp.register(integrationRoutes, routeOptions);
    await protectedApp.register(socialRoutes, routeOptions);
    await protectedApp.register(fileUploadRoutes, routeOptions);
    await protectedApp.register(searchRoutes, routeOptions);
  });
};
