import { channelsService, schemas } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { idParams } from './params.js';

const memberParams = z.object({
  id: schemas.uuid,
  userId: z.union([z.literal('me'), schemas.uuid]),
});
// `{}` (or no body at all: Fastify hands the schema `null` then) joins the caller.
const addMemberBody = z.object({ userId: schemas.uuid.optional() }).nullish();

export const channelRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tags = ['channels'];
  app.get('/channels', { schema: { tags, querystring: schemas.listChannelsInput } }, (request) =>
    channelsService.listChannels(deps, actorOf(request), request.query),
  );
  app.post(
    '/channels',
    { schema: { tags, body: schemas.createChannelInput } },
    async (request, reply) =>
      reply.status(201).send({
        channel: await channelsService.createChannel(deps, actorOf(request), request.body),
      }),
  );
  app.get('/channels/:id', { schema: { tags, params: idParams } }, async (request) => ({
    channel: await channelsService.getChannel(deps, actorOf(request), request.params.id),
  }));
  app.post(
    '/channels/:id/members',
    { schema: { tags, params: idParams, body: addMemberBody } },
    async (request) => {
      const actor = actorOf(request);
      const channelId = request.params.id;
      const userId = request.body?.userId;
      const channel = userId
        ? await channelsService.addMember(deps, actor, { channelId, userId })
        : await channelsService.joinChannel(deps, actor, channelId);
      return { channel };
    },
  );
  app.delete(
    '/channels/:id/members/:userId',
    { schema: { tags, params: memberParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      const userId = request.params.userId === 'me' ? actor.userId : request.params.userId;
      await channelsService.removeMember(deps, actor, { channelId: request.params.id, userId });
      return reply.status(204).send();
    },
  );
  app.get(
    '/channels/:id/members',
    { schema: { tags, params: idParams, querystring: schemas.pageQuery } },
    (request) =>
      channelsService.listMembers(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.query,
      }),
  );
  app.post('/dms', { schema: { tags, body: schemas.openDmInput } }, async (request) => ({
    channel: await channelsService.openDm(deps, actorOf(request), request.body),
  }));
};
