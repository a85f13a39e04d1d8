// Live data over tRPC's WebSocket link: async-generator subscriptions whose message events are
// tracked by seq, so wsLink's reconnect resumes from the last one with no gap and no duplicate.
import { tracked, type TRPCRouterRecord } from '@trpc/server';
import { AsyncQueue } from '../realtime/async-queue.js';
import type { ClientEvent } from '../realtime/user-session.js';
import { channelSubscriptionInput, statusInput, typingInput } from '../schemas/index.js';
import * as live from '../services/live.js';
import * as presence from '../services/presence.js';
import { announceTyping, typingExpiryMs } from '../services/typing.js';
import * as users from '../services/users.js';
import type { Message } from '../services/views.js';
import { protectedProcedure } from '../trpc.js';

/** Events a subscriber may fall behind by before it is cut off (it then resumes). */
const subscriberBacklogLimit = 10_000;

export const realtimeRouter = {
  /** One channel's messages: the backlog after `lastEventId`, then live, in seq order. */
  messages: protectedProcedure.input(channelSubscriptionInput).subscription(async function* ({ ctx, input, signal }) {
    const queue = new AsyncQueue<Message>(subscriberBacklogLimit, signal);
    const after = input.lastEventId ? Number(input.lastEventId) : undefined;
    const stream = await live.openChannelStream(
      ctx.deps,
      ctx.actor,
      input.channelId,
      { message: (message) => queue.push(message), event: () => {} },
      after,
    );
    try {
      for await (const message of queue) yield tracked(String(message.seq), message);
    } finally {
      stream.close();
    }
  }),

  /**
   * Everything else of the user's channels (typing, joins and leaves, reads, reactions, edits,
   * presence). While it is open the user counts as connected.
   */
  events: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    const queue = new AsyncQueue<ClientEvent>(subscriberBacklogLimit, signal);
    const connectionId = crypto.randomUUID();
    const session = await live.openUserSession(ctx.deps, ctx.actor, {
      message: () => {},
      event: (event) => queue.push(event),
    });
    try {
      await presence.connectionOpened(ctx.deps, ctx.actor, connectionId);
      for await (const event of queue) yield event;
    } finally {
      session.close();
      await presence.connectionClosed(ctx.deps, ctx.actor, connectionId);
    }
  }),

  /** Who is typing in a channel right now: a new list on every change and expiry. */
  typing: protectedProcedure.input(typingInput).subscription(async function* ({ ctx, input, signal }) {
    const queue = new AsyncQueue<null>(subscriberBacklogLimit, signal);
    const typing = new Map<string, { username: string; timer: NodeJS.Timeout }>();
    const stream = await live.openChannelStream(ctx.deps, ctx.actor, input.channelId, {
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
        }, typingExpiryMs);
        typing.set(event.userId, { username: event.username, timer });
        queue.push(null);
      },
    });
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
    .mutation(({ ctx, input }) => users.updateProfile(ctx.deps, ctx.actor, { status: input.status })),
} satisfies TRPCRouterRecord;
