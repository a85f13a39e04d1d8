import type { TRPCRouterRecord } from '@trpc/server';
import {
  loginInput,
  refreshTokenInput,
  registerInput,
  updateProfileInput,
} from '../schemas/index.js';
import * as auth from '../services/auth.js';
import * as users from '../services/users.js';
import { authAttemptProcedure, protectedProcedure } from '../trpc.js';

export const authRouter = {
  register: authAttemptProcedure
    .input(registerInput)
    .mutation(({ ctx, input }) => auth.register(ctx.deps, input)),
  login: authAttemptProcedure
    .input(loginInput)
    .mutation(({ ctx, input }) => auth.login(ctx.deps, input)),
  refresh: authAttemptProcedure
    .input(refreshTokenInput)
    .mutation(({ ctx, input }) => auth.refresh(ctx.deps, input)),
  logout: protectedProcedure
    .input(refreshTokenInput)
    .mutation(({ ctx, input }) => auth.logout(ctx.deps, ctx.actor, input)),
  me: protectedProcedure.query(({ ctx }) => users.me(ctx.deps, ctx.actor)),
  updateMe: protectedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => users.updateProfile(ctx.deps, ctx.actor, input)),
} satisfies TRPCRouterRecord;
