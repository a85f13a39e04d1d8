import { authService, schemas, usersService } from '@chat/api/server';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';

export const authRoutes: FastifyPluginAsyncZod<RestOptions> = async (
  app,
  { deps, authenticate, limitAuthAttempt },
) => {
  const limited = async (request: FastifyRequest) => {
    const body = request.body as { username?: unknown; email?: unknown } | undefined;
    const name = body?.username ?? body?.email;
    await limitAuthAttempt(request.ip, typeof name === 'string' ? name : undefined);
  };
  const tags = ['auth'];

  app.post(
    '/auth/register',
    { preHandler: limited, schema: { tags, body: schemas.registerInput, security: [] } },
    async (request, reply) =>
      reply.status(201).send(await authService.register(deps, request.body)),
  );
  app.post(
    '/auth/login',
    { preHandler: limited, schema: { tags, body: schemas.loginInput, security: [] } },
    (request) => authService.login(deps, request.body),
  );
  app.post(
    '/auth/refresh',
    { preHandler: limited, schema: { tags, body: schemas.refreshTokenInput, security: [] } },
    (request) => authService.refresh(deps, request.body),
  );
  app.post(
    '/auth/logout',
    {
      onRequest: authenticate,
      schema: { tags, body: schemas.refreshTokenInput, security: [{ bearer: [] }] },
    },
    async (request, reply) => {
      await authService.logout(deps, actorOf(request), request.body);
      return reply.status(204).send();
    },
  );
  app.get(
    '/auth/me',
    { onRequest: authenticate, schema: { tags, security: [{ bearer: [] }] } },
    async (request) => ({
      user: await usersService.me(deps, actorOf(request)),
    }),
  );
  app.patch(
    '/auth/me',
    {
      onRequest: authenticate,
      schema: { tags, body: schemas.updateProfileInput, security: [{ bearer: [] }] },
    },
    async (request) => ({
      user: await usersService.updateProfile(deps, actorOf(request), request.body),
    }),
  );
};
