import { authRouter } from './router/auth.js';
import { channelsRouter } from './router/channels.js';
import { accessTokensRouter, webhooksRouter } from './router/integrations.js';
import { messagesRouter } from './router/messages.js';
import { realtimeRouter } from './router/realtime.js';
import { pinsRouter, reactionsRouter } from './router/social.js';
import { searchRouter } from './router/search.js';
import { usersRouter } from './router/users.js';
import { createTRPCRouter } from './trpc.js';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  channels: channelsRouter,
  messages: messagesRouter,
  realtime: realtimeRouter,
  search: searchRouter,
  accessTokens: accessTokensRouter,
  webhooks: webhooksRouter,
  reactions: reactionsRouter,
  pins: pinsRouter,
});

export type AppRouter = typeof appRouter;
