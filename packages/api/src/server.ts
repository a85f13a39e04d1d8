// Everything a server (or a test) needs to run the API; the web client imports index.ts instead.
export { appRouter, type AppRouter } from './root.js';
export {
  createCallerFactory,
  toTRPCError,
  type Context,
  type SubscriberConnection,
} from './trpc.js';
export * from './errors.js';
export * as schemas from './schemas/index.js';
export * as authService from './services/auth.js';
export * as usersService from './services/users.js';
export * as channelsService from './services/channels.js';
export * as messagesService from './services/messages.js';
export * as threadsService from './services/threads.js';
export * as accessTokensService from './services/access-tokens.js';
export * as webhooksService from './services/webhooks.js';
export { authenticateBearer, watchRevocation } from './services/access-tokens.js';
export type { Actor, ServiceDeps, EventPublisher, PresenceReader } from './services/deps.js';
export * from './services/tokens.js';
export * as accountsService from './services/accounts.js';
export type * from './services/views.js';
export type { Broker } from './realtime/broker.js';
export { InProcessBroker } from './realtime/in-process-broker.js';
export { EventBus, channelTopic, userTopic } from './realtime/event-bus.js';
export type { ChatEvent } from './realtime/events.js';
export { InMemoryPresence, type PresenceStore } from './realtime/presence.js';
export * as typingService from './services/typing.js';
export * as presenceService from './services/presence.js';
export * as reactionsService from './services/reactions.js';
export * as pinsService from './services/pins.js';
export * as channelUpdatesService from './services/channel-updates.js';
export * as channelMuteService from './services/channel-mute.js';
export * as liveService from './services/live.js';
export { TypingThrottle } from './services/typing.js';
export { SendBatcher, type SendBatcherOptions } from './services/send-batcher.js';
export { RealtimeHub } from './realtime/hub.js';
export { backlogPageSize } from './realtime/channel-stream.js';
export type { UserSession, ClientEvent, SessionSink } from './realtime/user-session.js';
export { mentionedNames, mentionPattern } from './services/channel-views.js';
export { RedisBroker } from './realtime/redis-broker.js';
export { RedisPresence } from './realtime/redis-presence.js';
export { failFastRedisOptions } from './realtime/redis-connection.js';
export * as filesService from './services/files.js';
export * as fileCleanupService from './services/file-cleanup.js';
export * as searchService from './services/search.js';
export type { FileStorage } from './storage/file-storage.js';
export { DiskStorage } from './storage/disk-storage.js';
// S3Storage itself from '@chat/api/storage/s3': the AWS SDK is loaded only where S3 is configured
export type { S3StorageOptions } from './storage/s3-storage.js';
export { signedFileUrl } from './services/file-urls.js';
