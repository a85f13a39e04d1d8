import { messagesService, schemas, threadsService } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors, noContent } from './openapi.js';
import { idParams } from './params.js';

export const messageRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tags = ['messages'];
  app.get(
    '/channels/:id/messages',
    {
      schema: {
        operationId: 'listMessages',
        summary: "A page of a channel's history, ascending by seq",
        description:
          'No cursor: the newest `limit`; `before`: the newest `limit` below it; `after`: the oldest `limit` above it. `topLevel=true` leaves thread replies out.',
        tags,
        params: idParams,
        querystring: schemas.historyQuery,
        response: {
          200: described(schemas.history, 'Messages ascending by seq'),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    (request) =>
      messagesService.history(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.query,
      }),
  );
  app.post(
    '/channels/:id/messages',
    {
      schema: {
        operationId: 'sendMessage',
        summary: 'Post a message (idempotent per clientMsgId)',
        tags,
        params: idParams,
        body: schemas.sendMessageBody,
        response: {
          201: described(schemas.messageResult, 'The message, committed'),
          200: described(
            schemas.messageResult,
            'The message first sent with this clientMsgId: nothing new was posted',
          ),
          ...errors(400, 401, 403, 404, 413, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const result = await messagesService.sendMessage(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.body,
      });
      return reply.status(result.created ? 201 : 200).send({ message: result.message });
    },
  );
  app.get(
    '/messages/:id/thread',
    {
      schema: {
        operationId: 'getThread',
        summary: "A message's thread: its root and a page of its replies, ascending by seq",
        description:
          'No cursor: the oldest `limit` replies; `after`: the oldest `limit` above it. For a reply, the thread of its root.',
        tags,
        params: idParams,
        querystring: schemas.threadQuery,
        response: {
          200: described(schemas.thread, 'The root and replies ascending by seq'),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    (request) =>
      threadsService.thread(deps, actorOf(request), {
        messageId: request.params.id,
        ...request.query,
      }),
  );
  app.post(
    '/channels/:id/read',
    {
      schema: {
        operationId: 'markChannelRead',
        summary: "Move the caller's read mark (never backwards)",
        tags,
        params: idParams,
        body: schemas.markReadBody,
        response: {
          200: described(schemas.lastReadSeqResult, 'The read mark now'),
          ...errors(400, 401, 403, 404, 413, 429, 503),
        },
      },
    },
    (request) =>
      messagesService.markRead(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.body,
      }),
  );
  app.patch(
    '/messages/:id',
    {
      schema: {
        operationId: 'editMessage',
        summary: "Change a message's content (its author only)",
        tags,
        params: idParams,
        body: schemas.editMessageBody,
        response: {
          200: described(schemas.messageResult, 'The message as edited'),
          ...errors(400, 401, 403, 404, 413, 429, 503),
        },
      },
    },
    async (request) => ({
      message: await messagesService.editMessage(deps, actorOf(request), {
        messageId: request.params.id,
        ...request.body,
      }),
    }),
  );
  app.delete(
    '/messages/:id',
    {
      schema: {
        operationId: 'deleteMessage',
        summary: "Delete a message (its author, or the channel's creator)",
        tags,
        params: idParams,
        response: { 204: noContent, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      await messagesService.deleteMessage(deps, actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
};
