import { authService, schemas, usersService } from '@chat/api/server';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors, noContent, publicRoute } from './openapi.js';

export const authRoutes: FastifyPluginAsyncZod<RestOptions> = async (
  app,
  { deps, authenticate, limitAuthAttempt, limitWrite },
) => {
  const limited = async (request: FastifyRequest) => {
    const body = request.body as { username?: unknown; email?: unknown } | undefined;
    const name = body?.username ?? body?.email;
    await limitAuthAttempt(request.ip, typeof name === 'string' ? name : undefined);
  };
  const tags = ['auth'];

  app.post(
    '/auth/register',
    {
      preHandler: limited,
      schema: {
        operationId: 'register',
        summary: 'Create an account and sign in',
        tags,
        ...publicRoute,
        body: schemas.registerInput,
        response: {
          201: described(schemas.session, 'The new user and its tokens'),
          ...errors(400, 409, 413, 429, 503),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await authService.register(deps, request.body)),
  );
  app.post(
    '/auth/login',
    {
      preHandler: limited,
      schema: {
        operationId: 'login',
        summary: 'Sign in with a username or email and a password',
        tags,
        ...publicRoute,
        body: schemas.loginInput,
        response: {
          200: described(schemas.session, 'The user and a new pair of tokens'),
          ...errors(400, 401, 413, 429, 503),
        },
      },
    },
    (request) => authService.login(deps, request.body),
  );
  app.post(
    '/auth/refresh',
    {
      preHandler: limited,
      schema: {
        operationId: 'refreshTokens',
        summary: 'Trade a refresh token for a new pair (the old one stops working)',
        tags,
        ...publicRoute,
        body: schemas.refreshTokenInput,
        response: {
          200: described(schemas.tokenPair, 'A new access and refresh token'),
          ...errors(400, 401, 413, 429, 503),
        },
      },
    },
    (request) => authService.refresh(deps, request.body),
  );
  app.post(
    '/auth/logout',
    {
      onRequest: [authenticate, limitWrite],
      schema: {
        operationId: 'logout',
        summary: 'Revoke a refresh token',
        tags,
        body: schemas.refreshTokenInput,
        response: { 204: noContent, ...errors(400, 401, 413, 429, 503) },
      },
    },
    async (request, reply) => {
      await authService.logout(deps, actorOf(request), request.body);
      return reply.status(204).send();
    },
  );
  app.get(
    '/auth/me',
    {
      onRequest: authenticate,
      schema: {
        operationId: 'getMe',
        summary: "The caller's own user",
        tags,
        response: {
          200: described(schemas.ownUserResult, 'The caller, with its email'),
          ...errors(401, 404, 503),
        },
      },
    },
    async (request) => ({
      user: await usersService.me(deps, actorOf(request)),
    }),
  );
  app.patch(
    '/auth/me',
    {
      onRequest: [authenticate, limitWrite],
      schema: {
        operationId: 'updateMe',
        summary: "Change the caller's display name, avatar or status",
        tags,
        body: schemas.updateProfileInput,
        response: {
          200: described(schemas.ownUserResult, 'The caller as changed'),
          ...errors(400, 401, 404, 413, 429, 503),
        },
      },
    },
    async (request) => ({
      user: await usersService.updateProfile(deps, actorOf(request), request.body),
    }),
  );
};
