// Reactions, pins and channel topics (API.md): thin routes over the same services as tRPC.
import { channelUpdatesService, pinsService, reactionsService, schemas } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors } from './openapi.js';
import { idParams } from './params.js';

/** `:emoji` arrives URL-decoded by the router. */
const reactionParams = z.object({ id: schemas.uuid, emoji: schemas.emoji });

export const socialRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  for (const [method, op] of [
    ['PUT', 'add'],
    ['DELETE', 'remove'],
  ] as const) {
    app.route({
      method,
      url: '/messages/:id/reactions/:emoji',
      schema: {
        operationId: op === 'add' ? 'addReaction' : 'removeReaction',
        summary:
          op === 'add'
            ? "Add the caller's reaction to a message (idempotent)"
            : "Remove the caller's reaction from a message (idempotent)",
        tags: ['reactions'],
        params: reactionParams,
        response: {
          200: described(schemas.messageResult, 'The message with its reactions after the change'),
          ...errors(400, 401, 403, 404, 429, 503),
        },
      },
      handler: async (request) => ({
        message: await reactionsService.react(deps, actorOf(request), {
          messageId: request.params.id,
          emoji: request.params.emoji,
          op,
        }),
      }),
    });
    app.route({
      method,
      url: '/messages/:id/pin',
      schema: {
        operationId: op === 'add' ? 'pinMessage' : 'unpinMessage',
        summary:
          op === 'add'
            ? 'Pin a message in its channel (any member; idempotent)'
            : 'Unpin a message (any member; idempotent)',
        tags: ['pins'],
        params: idParams,
        response: {
          200: described(schemas.messageResult, 'The message, pinned or not'),
          ...errors(400, 401, 403, 404, 429, 503),
        },
      },
      handler: async (request) => ({
        message: await pinsService.setPin(deps, actorOf(request), {
          messageId: request.params.id,
          op,
        }),
      }),
    });
  }
  app.get(
    '/channels/:id/pins',
    {
      schema: {
        operationId: 'listPins',
        summary: "A channel's pinned messages, newest pin first",
        tags: ['pins'],
        params: idParams,
        response: {
          200: described(schemas.messageList, 'The pinned messages'),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    (request) => pinsService.listPins(deps, actorOf(request), request.params.id),
  );
  app.patch(
    '/channels/:id',
    {
      schema: {
        operationId: 'updateChannel',
        summary: "Set a channel's topic (any member) or name (its creator)",
        tags: ['channels'],
        params: idParams,
        body: schemas.updateChannelBody,
        response: {
          200: described(schemas.channelResult, 'The channel as changed'),
          ...errors(400, 401, 403, 404, 413, 429, 503),
        },
      },
    },
    async (request) => ({
      channel: await channelUpdatesService.updateChannel(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.body,
      }),
    }),
  );
};
