import type { TRPCRouterRecord } from '@trpc/server';
import { channelIdInput, pinInput, reactionInput } from '../schemas/index.js';
import * as pins from '../services/pins.js';
import * as reactions from '../services/reactions.js';
import { protectedProcedure } from '../trpc.js';

export const reactionsRouter = {
  /** Adds or removes the caller's reaction (idempotent); the message with its reactions after. */
  set: protectedProcedure
    .input(reactionInput)
    .mutation(({ ctx, input }) => reactions.react(ctx.deps, ctx.actor, input)),
} satisfies TRPCRouterRecord;

export const pinsRouter = {
  list: protectedProcedure
    .input(channelIdInput)
    .query(({ ctx, input }) => pins.listPins(ctx.deps, ctx.actor, input.channelId)),
  /** Pins (`add`) or unpins (`remove`) a message (idempotent). */
  set: protectedProcedure
    .input(pinInput)
    .mutation(({ ctx, input }) => pins.setPin(ctx.deps, ctx.actor, input)),
} satisfies TRPCRouterRecord;
