// Everything a server (or a test) needs to run the API; the web client imports index.ts instead.
export { appRouter, type AppRouter } from './root.js';
export { createCallerFactory, type Context } from './trpc.js';
export * from './errors.js';
export * as schemas from './schemas/index.js';
export * as authService from './services/auth.js';
export * as usersService from './services/users.js';
export * as channelsService from './services/channels.js';
export * as messagesService from './services/messages.js';
export type { Actor, ServiceDeps, EventPublisher, PresenceReader } from './services/deps.js';
export * from './services/tokens.js';
export type * from './services/views.js';
export type { Broker } from './realtime/broker.js';
export { InProcessBroker } from './realtime/in-process-broker.js';
export { EventBus, channelTopic, userTopic } from './realtime/event-bus.js';
export type { ChatEvent } from './realtime/events.js';
export { InMemoryPresence, type PresenceStore } from './realtime/presence.js';
