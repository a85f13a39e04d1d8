import { schemas, usersService } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RestOptions } from './index.js';
import { described, errors } from './openapi.js';
import { idParams } from './params.js';

export const userRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tags = ['users'];
  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'Users, by username (q: a username prefix)',
        tags,
        querystring: schemas.listUsersInput,
        response: { 200: described(schemas.userPage, 'A page of users'), ...errors(400, 401, 503) },
      },
    },
    (request) => usersService.listUsers(deps, request.query),
  );
  app.get(
    '/users/:id',
    {
      schema: {
        operationId: 'getUser',
        summary: 'One user',
        tags,
        params: idParams,
        response: { 200: described(schemas.userResult, 'The user'), ...errors(400, 401, 404, 503) },
      },
    },
    async (request) => ({
      user: await usersService.getUser(deps, request.params.id),
    }),
  );
};
