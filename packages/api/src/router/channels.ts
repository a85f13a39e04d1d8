import type { TRPCRouterRecord } from '@trpc/server';
import {
  channelIdInput,
  channelMemberInput,
  createChannelInput,
  listChannelsInput,
  listMembersInput,
  openDmInput,
  setMutedInput,
  updateChannelInput,
} from '../schemas/index.js';
import * as channelMute from '../services/channel-mute.js';
import * as channelUpdates from '../services/channel-updates.js';
import * as channels from '../services/channels.js';
import { protectedProcedure } from '../trpc.js';

export const channelsRouter = {
  list: protectedProcedure
    .input(listChannelsInput)
    .query(({ ctx, input }) => channels.listChannels(ctx.deps, ctx.actor, input)),
  get: protectedProcedure
    .input(channelIdInput)
    .query(({ ctx, input }) => channels.getChannel(ctx.deps, ctx.actor, input.channelId)),
  /** Topic (any member) and name (the creator). */
  update: protectedProcedure
    .input(updateChannelInput)
    .mutation(({ ctx, input }) => channelUpdates.updateChannel(ctx.deps, ctx.actor, input)),
  /** The caller's own mute of a channel they are in. */
  setMuted: protectedProcedure
    .input(setMutedInput)
    .mutation(({ ctx, input }) => channelMute.setMuted(ctx.deps, ctx.actor, input)),
  create: protectedProcedure
    .input(createChannelInput)
    .mutation(({ ctx, input }) => channels.createChannel(ctx.deps, ctx.actor, input)),
  join: protectedProcedure
    .input(channelIdInput)
    .mutation(({ ctx, input }) => channels.joinChannel(ctx.deps, ctx.actor, input.channelId)),
  addMember: protectedProcedure
    .input(channelMemberInput)
    .mutation(({ ctx, input }) => channels.addMember(ctx.deps, ctx.actor, input)),
  removeMember: protectedProcedure
    .input(channelMemberInput)
    .mutation(({ ctx, input }) => channels.removeMember(ctx.deps, ctx.actor, input)),
  leave: protectedProcedure.input(channelIdInput).mutation(({ ctx, input }) =>
    channels.removeMember(ctx.deps, ctx.actor, {
      channelId: input.channelId,
      userId: ctx.actor.userId,
    }),
  ),
  members: protectedProcedure
    .input(listMembersInput)
    .query(({ ctx, input }) => channels.listMembers(ctx.deps, ctx.actor, input)),
  openDm: protectedProcedure
    .input(openDmInput)
    .mutation(({ ctx, input }) => channels.openDm(ctx.deps, ctx.actor, input)),
} satisfies TRPCRouterRecord;
