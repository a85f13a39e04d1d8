import type { TRPCRouterRecord } from '@trpc/server';
import {
  editMessageInput,
  historyInput,
  markReadInput,
  messageIdInput,
  sendMessageInput,
  threadInput,
} from '../schemas/index.js';
import * as messages from '../services/messages.js';
import * as threads from '../services/threads.js';
import { protectedProcedure } from '../trpc.js';

export const messagesRouter = {
  history: protectedProcedure
    .input(historyInput)
    .query(({ ctx, input }) => messages.history(ctx.deps, ctx.actor, input)),
  /** A message's thread: its root and a page of replies, ascending by seq. */
  thread: protectedProcedure
    .input(threadInput)
    .query(({ ctx, input }) => threads.thread(ctx.deps, ctx.actor, input)),
  send: protectedProcedure
    .input(sendMessageInput)
    .mutation(({ ctx, input }) => messages.sendMessage(ctx.deps, ctx.actor, input)),
  edit: protectedProcedure
    .input(editMessageInput)
    .mutation(({ ctx, input }) => messages.editMessage(ctx.deps, ctx.actor, input)),
  delete: protectedProcedure
    .input(messageIdInput)
    .mutation(({ ctx, input }) => messages.deleteMessage(ctx.deps, ctx.actor, input.messageId)),
  markRead: protectedProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => messages.markRead(ctx.deps, ctx.actor, input)),
} satisfies TRPCRouterRecord;
