import { schemas, searchService } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors } from './openapi.js';

export const searchRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  app.get(
    '/search',
    {
      schema: {
        operationId: 'searchMessages',
        summary: 'Full-text search over the messages of the channels the caller can read',
        description:
          '`q` holds words (stemmed; "phrases", `or`, `-word`) and operators `from:username`, `in:channel-name`, `before:YYYY-MM-DD`, `after:YYYY-MM-DD`, `has:file`. Ranked, newest first among equals.',
        tags: ['messages'],
        querystring: schemas.searchQuery,
        response: {
          200: described(schemas.searchPage, 'Matching messages, each with its `highlight`'),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    (request) => searchService.searchMessages(deps, actorOf(request), request.query),
  );
};
