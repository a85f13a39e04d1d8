// Live data over tRPC's WebSocket link: async-generator subscriptions whose message events are
// tracked by seq, so wsLink's reconnect resumes from the last one with no gap and no duplicate.
import { tracked, type TRPCRouterRecord } from '@trpc/server';
import { AsyncQueue } from '../realtime/async-queue.js';
import type { ClientEvent } from '../realtime/user-session.js';
import { channelSubscriptionInput, statusInput, typingInput } from '../schemas/index.js';
import * as live from '../services/live.js';
import * as presence from '../services/presence.js';
import { announceTyping } from '../services/typing.js';
import * as users from '../services/users.js';
import type { Message } from '../services/views.js';
import { protectedProcedure, toTRPCError } from '../trpc.js';

export const realtimeRouter = {
  /**
   * One channel's messages (each tracked by its seq, which wsLink sends back as `lastEventId` when
   * it reconnects): the backlog after `lastEventId`, then live, in seq order, none twice.
   */
  messages: protectedProcedure.input(channelSubscriptionInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const queue = new AsyncQueue<Message>(ctx.deps.realtime.subscriberBacklogLimit, signal);
    const after = input.lastEventId ? Number(input.lastEventId) : undefined;
    // The backlog is yielded while it is read, page by page as the queue empties: however long
    // it is, it never fills the queue (it did when it was all read before the first yield).
    const opening = domainErrors(
      live.openChannelStream(
        ctx.deps,
        ctx.actor,
        input.channelId,
        {
          message: (message) => queue.push(message),
          event: () => {},
          writable: () => queue.hasRoom(),
          lost: (error) => queue.fail(toTRPCError(error) ?? error),
        },
        after,
      ),
    );
    opening.catch((error: unknown) =>
      queue.fail(error instanceof Error ? error : new Error(String(error))),
    );
    try {
      for await (const message of queue) {
        if (ctx.connection?.cutOffIfBehind()) return;
        ctx.connection?.delivered?.(message);
        yield tracked(String(message.seq), message);
      }
    } finally {
      void opening.then(
        (stream) => stream.close(),
        () => {},
      );
    }
  }),

  /**
   * Everything else of the user's channels (typing, joins and leaves, reads, reactions, edits,
   * presence). While it is open the user counts as connected.
   */
  events: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    const queue = new AsyncQueue<ClientEvent>(ctx.deps.realtime.subscriberBacklogLimit, signal);
    const connectionId = crypto.randomUUID();
    const session = await domainErrors(
      live.openUserSession(ctx.deps, ctx.actor, {
        message: () => {},
        event: (event) => queue.push(event),
        revoked: (error) => queue.fail(toTRPCError(error) ?? error),
      }),
    );
    try {
      await presence.connectionOpened(ctx.deps, ctx.actor, connectionId);
      for await (const event of queue) {
        if (ctx.connection?.cutOffIfBehind()) return;
        yield event;
      }
    } finally {
      session.close();
      await presence.connectionClosed(ctx.deps, ctx.actor, connectionId);
    }
  }),

  /**
   * Who is typing in a channel right now: the list as it stands once listening (usually empty),
   * then a new one on every change and expiry.
   */
  typing: protectedProcedure.input(typingInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const queue = new AsyncQueue<null>(ctx.deps.realtime.subscriberBacklogLimit, signal);
    const typing = new Map<string, { username: string; timer: NodeJS.Timeout }>();
    const opening = live.openChannelStream(ctx.deps, ctx.actor, input.channelId, {
      message: (message) => {
        // someone who sent their message has stopped typing it
        const entry = typing.get(message.userId);
        if (!entry) return;
        clearTimeout(entry.timer);
        typing.delete(message.userId);
        queue.push(null);
      },
      event: (event) => {
        if (event.type !== 'typing' || event.userId === ctx.actor.userId) return;
        const previous = typing.get(event.userId);
        if (previous) clearTimeout(previous.timer);
        const timer = setTimeout(() => {
          typing.delete(event.userId);
          queue.push(null);
        }, ctx.deps.realtime.typingExpiryMs);
        typing.set(event.userId, { username: event.username, timer });
        queue.push(null);
      },
      lost: (error) => queue.fail(toTRPCError(error) ?? error),
    });
    const stream = await domainErrors(opening);
    // the first list tells the client the subscription is live
    queue.push(null);
    try {
      for await (const _change of queue) {
        yield [...typing].map(([userId, entry]) => ({ userId, username: entry.username }));
      }
    } finally {
      stream.close();
      for (const entry of typing.values()) clearTimeout(entry.timer);
    }
  }),

  /** Tells the channel the caller is typing (throttled: repeats within 2 s are dropped). */
  startTyping: protectedProcedure
    .input(typingInput)
    .mutation(({ ctx, input }) => announceTyping(ctx.deps, ctx.actor, input.channelId)),

  setStatus: protectedProcedure
    .input(statusInput)
    .mutation(({ ctx, input }) =>
      users.updateProfile(ctx.deps, ctx.actor, { status: input.status }),
    ),
} satisfies TRPCRouterRecord;

/**
 * What a subscription's generator throws reaches the client after tRPC's middleware has
 * returned, so `protectedProcedure`'s mapping of domain errors never sees it: the same mapping,
 * here (a private channel stays NOT_FOUND rather than becoming a 500).
 */
async function domainErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    throw toTRPCError(cause) ?? cause;
  }
}
