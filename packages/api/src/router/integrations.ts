import type { TRPCRouterRecord } from '@trpc/server';
import {
  accessTokenIdInput,
  channelIdInput,
  createAccessTokenInput,
  createWebhookInput,
  webhookIdInput,
} from '../schemas/index.js';
import * as accessTokens from '../services/access-tokens.js';
import * as webhooks from '../services/webhooks.js';
import { protectedProcedure } from '../trpc.js';

export const accessTokensRouter = {
  create: protectedProcedure
    .input(createAccessTokenInput)
    .mutation(({ ctx, input }) => accessTokens.createAccessToken(ctx.deps, ctx.actor, input)),
  list: protectedProcedure.query(({ ctx }) => accessTokens.listAccessTokens(ctx.deps, ctx.actor)),
  revoke: protectedProcedure
    .input(accessTokenIdInput)
    .mutation(({ ctx, input }) =>
      accessTokens.revokeAccessToken(ctx.deps, ctx.actor, input.tokenId),
    ),
} satisfies TRPCRouterRecord;

export const webhooksRouter = {
  create: protectedProcedure
    .input(createWebhookInput)
    .mutation(({ ctx, input }) => webhooks.createWebhook(ctx.deps, ctx.actor, input)),
  list: protectedProcedure
    .input(channelIdInput)
    .query(({ ctx, input }) => webhooks.listWebhooks(ctx.deps, ctx.actor, input.channelId)),
  delete: protectedProcedure
    .input(webhookIdInput)
    .mutation(({ ctx, input }) => webhooks.deleteWebhook(ctx.deps, ctx.actor, input.webhookId)),
} satisfies TRPCRouterRecord;
