import type { TRPCRouterRecord } from '@trpc/server';
import { searchQuery } from '../schemas/index.js';
import * as search from '../services/search.js';
import { protectedProcedure } from '../trpc.js';

export const searchRouter = {
  messages: protectedProcedure
    .input(searchQuery)
    .query(({ ctx, input }) => search.searchMessages(ctx.deps, ctx.actor, input)),
} satisfies TRPCRouterRecord;
