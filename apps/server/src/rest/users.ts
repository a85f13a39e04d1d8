import { schemas, usersService } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RestOptions } from './index.js';
import { idParams } from './params.js';

export const userRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tags = ['users'];
  app.get('/users', { schema: { tags, querystring: schemas.listUsersInput } }, (request) =>
    usersService.listUsers(deps, request.query),
  );
  app.get('/users/:id', { schema: { tags, params: idParams } }, async (request) => ({
    user: await usersService.getUser(deps, request.params.id),
  }));
};
