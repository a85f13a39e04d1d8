import { AppError, authService, schemas, usersService } from '@chat/api/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';

export const authRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps, authenticate, limits }) => {
  // Per address, before the body is read; then per account name, once it is.
  const perIp = app.rateLimit({ max: limits.perIp, timeWindow: limits.windowMs });
  // Not a second `app.rateLimit()` hook: the plugin runs only the first such hook of a request,
  // so the per-name limit would never count anything.
  const nameLimit = app.createRateLimit({
    max: limits.perUsername,
    timeWindow: limits.windowMs,
    keyGenerator: (request) => {
      const body = request.body as { username?: unknown; email?: unknown } | undefined;
      const name = body?.username ?? body?.email;
      return `name:${typeof name === 'string' ? name.toLowerCase() : request.ip}`;
    },
  });
  const perName = async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await nameLimit(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    void reply.header('retry-after', limit.ttlInSeconds);
    throw new AppError('TOO_MANY_REQUESTS', `Too many attempts for this account; retry in ${limit.ttlInSeconds} s`);
  };
  const tags = ['auth'];

  app.post(
    '/auth/register',
    { onRequest: perIp, preHandler: perName, schema: { tags, body: schemas.registerInput, security: [] } },
    async (request, reply) => reply.status(201).send(await authService.register(deps, request.body)),
  );
  app.post(
    '/auth/login',
    { onRequest: perIp, preHandler: perName, schema: { tags, body: schemas.loginInput, security: [] } },
    (request) => authService.login(deps, request.body),
  );
  app.post(
    '/auth/refresh',
    { onRequest: perIp, schema: { tags, body: schemas.refreshTokenInput, security: [] } },
    (request) => authService.refresh(deps, request.body),
  );
  app.post(
    '/auth/logout',
    { onRequest: authenticate, schema: { tags, body: schemas.refreshTokenInput, security: [{ bearer: [] }] } },
    async (request, reply) => {
      await authService.logout(deps, actorOf(request), request.body);
      return reply.status(204).send();
    },
  );
  app.get('/auth/me', { onRequest: authenticate, schema: { tags, security: [{ bearer: [] }] } }, async (request) => ({
    user: await usersService.me(deps, actorOf(request)),
  }));
  app.patch(
    '/auth/me',
    { onRequest: authenticate, schema: { tags, body: schemas.updateProfileInput, security: [{ bearer: [] }] } },
    async (request) => ({ user: await usersService.updateProfile(deps, actorOf(request), request.body) }),
  );
};
