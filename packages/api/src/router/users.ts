import type { TRPCRouterRecord } from '@trpc/server';
import { listUsersInput, userIdInput } from '../schemas/index.js';
import * as users from '../services/users.js';
import { protectedProcedure } from '../trpc.js';

export const usersRouter = {
  list: protectedProcedure
    .input(listUsersInput)
    .query(({ ctx, input }) => users.listUsers(ctx.deps, input)),
  get: protectedProcedure
    .input(userIdInput)
    .query(({ ctx, input }) => users.getUser(ctx.deps, input.userId)),
} satisfies TRPCRouterRecord;
