import { messagesService, schemas } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { idParams } from './params.js';

export const messageRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tags = ['messages'];
  app.get(
    '/channels/:id/messages',
    { schema: { tags, params: idParams, querystring: schemas.historyQuery } },
    (request) =>
      messagesService.history(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.query,
      }),
  );
  app.post(
    '/channels/:id/messages',
    { schema: { tags, params: idParams, body: schemas.sendMessageBody } },
    async (request, reply) => {
      const result = await messagesService.sendMessage(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.body,
      });
      return reply.status(result.created ? 201 : 200).send({ message: result.message });
    },
  );
  app.post(
    '/channels/:id/read',
    { schema: { tags, params: idParams, body: schemas.markReadBody } },
    (request) =>
      messagesService.markRead(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.body,
      }),
  );
  app.patch(
    '/messages/:id',
    { schema: { tags, params: idParams, body: schemas.editMessageBody } },
    async (request) => ({
      message: await messagesService.editMessage(deps, actorOf(request), {
        messageId: request.params.id,
        ...request.body,
      }),
    }),
  );
  app.delete('/messages/:id', { schema: { tags, params: idParams } }, async (request, reply) => {
    await messagesService.deleteMessage(deps, actorOf(request), request.params.id);
    return reply.status(204).send();
  });
};
