import { channelMuteService, channelsService, schemas } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors, noContent } from './openapi.js';
import { idParams } from './params.js';

const memberParams = z.object({
  id: schemas.uuid,
  userId: z.union([z.literal('me'), schemas.uuid]),
});
// `{}` (or no body at all: Fastify hands the schema `null` then) joins the caller.
const addMemberBody = z.object({ userId: schemas.uuid.optional() }).nullish();

export const channelRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tags = ['channels'];
  app.get(
    '/channels',
    {
      schema: {
        operationId: 'listChannels',
        summary: 'Every public channel, and the private channels and DMs the caller is in',
        tags,
        querystring: schemas.listChannelsInput,
        response: {
          200: described(schemas.channelPage, 'A page of channels'),
          ...errors(400, 401, 503),
        },
      },
    },
    (request) => channelsService.listChannels(deps, actorOf(request), request.query),
  );
  app.post(
    '/channels',
    {
      schema: {
        operationId: 'createChannel',
        summary: 'Create a channel; the creator is a member',
        tags,
        body: schemas.createChannelInput,
        response: {
          201: described(schemas.channelResult, 'The new channel'),
          ...errors(400, 401, 404, 413, 429, 503),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        channel: await channelsService.createChannel(deps, actorOf(request), request.body),
      }),
  );
  app.get(
    '/channels/:id',
    {
      schema: {
        operationId: 'getChannel',
        summary: 'One channel',
        tags,
        params: idParams,
        response: {
          200: described(schemas.channelResult, 'The channel'),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    async (request) => ({
      channel: await channelsService.getChannel(deps, actorOf(request), request.params.id),
    }),
  );
  app.post(
    '/channels/:id/members',
    {
      schema: {
        operationId: 'addChannelMember',
        summary: 'Join a public channel (`{}`), or add someone (`{ userId }`, members only)',
        tags,
        params: idParams,
        body: addMemberBody,
        response: {
          200: described(schemas.channelResult, 'The channel, with the member in it'),
          ...errors(400, 401, 403, 404, 413, 429, 503),
        },
      },
    },
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
    {
      schema: {
        operationId: 'removeChannelMember',
        summary: 'Leave a channel (`me`), or remove someone (the channel creator only)',
        tags,
        params: memberParams,
        response: { 204: noContent, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const userId = request.params.userId === 'me' ? actor.userId : request.params.userId;
      await channelsService.removeMember(deps, actor, { channelId: request.params.id, userId });
      return reply.status(204).send();
    },
  );
  for (const [method, muted] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const)
    app.route({
      method,
      url: '/channels/:id/mute',
      schema: {
        operationId: muted ? 'muteChannel' : 'unmuteChannel',
        summary: muted
          ? "Mute a channel for the caller's account (idempotent)"
          : "Unmute a channel for the caller's account (idempotent)",
        tags,
        params: idParams,
        response: { 204: noContent, ...errors(400, 401, 403, 404, 429, 503) },
      },
      handler: async (request, reply) => {
        await channelMuteService.setMuted(deps, actorOf(request), {
          channelId: request.params.id,
          muted,
        });
        return reply.status(204).send();
      },
    });
  app.get(
    '/channels/:id/members',
    {
      schema: {
        operationId: 'listChannelMembers',
        summary: 'The members of a channel',
        tags,
        params: idParams,
        querystring: schemas.pageQuery,
        response: {
          200: described(schemas.memberPage, 'A page of members with their read marks'),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    (request) =>
      channelsService.listMembers(deps, actorOf(request), {
        channelId: request.params.id,
        ...request.query,
      }),
  );
  app.post(
    '/dms',
    {
      schema: {
        operationId: 'openDm',
        summary: 'The direct message with these people (the same one every time)',
        tags,
        body: schemas.openDmInput,
        response: {
          200: described(schemas.channelResult, 'The DM channel'),
          ...errors(400, 401, 404, 413, 429, 503),
        },
      },
    },
    async (request) => ({
      channel: await channelsService.openDm(deps, actorOf(request), request.body),
    }),
  );
};
