// Presence shared by several server instances through Redis. Every instance heartbeats; the
// connections of an instance that stops (crash, kill, network cut) count no more once its
// heartbeat is older than ttlMs, and the next live instance to heartbeat sweeps them away and
// reports the users who thereby went offline.
//
// Keys, under `${keyPrefix}presence:`
//   instances            sorted set: instance id → time of its last heartbeat (Redis clock, ms)
//   user:<userId>        hash: connection id → id of the instance holding it
//   instance:<id>        set: users with a connection on that instance (what a sweep visits)
// Each operation is one Lua script, atomic and one round trip. Using the Redis clock means
// servers' clocks need not agree. Scripts build keys from the prefix, so this is for a single
// Redis (or a primary with replicas), not Redis Cluster.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PresenceStore } from './presence.js';
import {
  closeRedis,
  openRedis,
  readyOrTimeout,
  reportTo,
  type ErrorReporter,
  type RedisConnection,
} from './redis-connection.js';

export interface RedisPresenceOptions {
  redis: RedisConnection;
  /** Unique per running process (the default is random): a restarted server must not reuse it. */
  instanceId?: string;
  keyPrefix?: string;
  /** An instance whose last heartbeat is older than this is dead. */
  ttlMs?: number;
  heartbeatMs?: number;
  /** Where Redis errors and errors thrown by listeners go; console.error by default. */
  onError?: ErrorReporter;
}

// KEYS[1] instances; ARGV[1] this instance, ARGV[2] ttl ms, ARGV[3] namespace ('…presence:').
// This instance is live by definition: it is running the script.
const prelude = `
local instances, self, ttl, ns = KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local liveness = {}
local function isLive(instance)
  if instance == self then return true end
  if liveness[instance] == nil then
    local beat = redis.call('ZSCORE', instances, instance)
    liveness[instance] = beat ~= false and tonumber(beat) >= now - ttl
  end
  return liveness[instance]
end
`;

// KEYS[2] user hash, KEYS[3] this instance's user set; ARGV[4] user, ARGV[5] connection.
// Returns 1 when the user had no connection on a live instance before.
const connectScript = `${prelude}
local online = false
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  if fields[i] ~= ARGV[5] and isLive(fields[i + 1]) then online = true break end
end
redis.call('HSET', KEYS[2], ARGV[5], self)
redis.call('SADD', KEYS[3], ARGV[4])
if online then return 0 end
return 1
`;

// Same keys and arguments. Returns 1 when it was the user's last connection on a live instance.
const disconnectScript = `${prelude}
if redis.call('HDEL', KEYS[2], ARGV[5]) == 0 then return 0 end
local online, here, stale = false, false, {}
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  local instance = fields[i + 1]
  if instance == self then here = true end
  if isLive(instance) then online = true else stale[#stale + 1] = i end
end
if not here then redis.call('SREM', KEYS[3], ARGV[4]) end
if online then return 0 end
-- The user goes offline now: forget what is left of them on dead instances, or the sweep of
-- those would report them offline a second time.
for _, i in ipairs(stale) do
  redis.call('HDEL', KEYS[2], fields[i])
  redis.call('SREM', ns .. 'instance:' .. fields[i + 1], ARGV[4])
end
return 1
`;

// ARGV[4…] user ids. Returns those with a connection on a live instance.
const connectedScript = `${prelude}
local connected = {}
for i = 4, #ARGV do
  for _, instance in ipairs(redis.call('HVALS', ns .. 'user:' .. ARGV[i])) do
    if isLive(instance) then connected[#connected + 1] = ARGV[i] break end
  end
end
return connected
`;

// Refreshes this instance, then claims every dead one (inside the script, so exactly one
// instance claims it) and removes its connections. Returns { 1 if this instance was not
// registered, users left without a connection on any registered instance }. A user who still has
// a connection on a dead instance claimed later in the loop is reported there, once.
const heartbeatScript = `${prelude}
local offline = {}
local added = redis.call('ZADD', instances, now, self)
local dead = redis.call('ZRANGEBYSCORE', instances, '-inf', '(' .. (now - ttl))
for _, instance in ipairs(dead) do
  redis.call('ZREM', instances, instance)
  local usersKey = ns .. 'instance:' .. instance
  for _, user in ipairs(redis.call('SMEMBERS', usersKey)) do
    local userKey = ns .. 'user:' .. user
    local fields = redis.call('HGETALL', userKey)
    local remaining = false
    for i = 1, #fields, 2 do
      if fields[i + 1] == instance then
        redis.call('HDEL', userKey, fields[i])
      elseif redis.call('ZSCORE', instances, fields[i + 1]) then
        remaining = true
      end
    end
    if not remaining then offline[#offline + 1] = user end
  end
  redis.call('DEL', usersKey)
end
return { added, offline }
`;

type ScriptArg = string | number;

interface LocalConnection {
  userId: string;
  connectionId: string;
  /** Its connect script completed. */
  recorded: boolean;
}

const localKey = (userId: string, connectionId: string) => `${userId}\n${connectionId}`;

/** The connection with the scripts above defined on it. */
interface PresenceRedis extends Redis {
  presenceConnect(...args: ScriptArg[]): Promise<number>;
  presenceDisconnect(...args: ScriptArg[]): Promise<number>;
  presenceConnected(...args: ScriptArg[]): Promise<string[]>;
  presenceHeartbeat(...args: ScriptArg[]): Promise<[number, string[]]>;
}

export class RedisPresence implements PresenceStore {
  readonly instanceId: string;
  private readonly redis: PresenceRedis;
  private readonly ns: string;
  private readonly ttlMs: number;
  private readonly onError: ErrorReporter;
  private readonly listeners: ((userIds: string[]) => void)[] = [];
  /**
   * This instance's open connections, by user and connection. If it is ever taken for dead while
   * it runs (a long pause, a network cut), a sweep removes them from Redis; they are written
   * again as soon as its heartbeat gets through. Only connections whose connect completed are
   * written again: one in flight is being written by its own script, whose answer would be
   * spoiled if the connection were already there (and seen by a concurrent connect elsewhere).
   */
  private readonly local = new Map<string, LocalConnection>();
  private readonly timer: NodeJS.Timeout;
  /** The first heartbeat: connections are recorded after it, once this instance is registered. */
  private readonly started: Promise<void>;
  private beating: Promise<void> | undefined;
  private closed = false;

  constructor(options: RedisPresenceOptions) {
    const { ttlMs = 30_000, heartbeatMs = 10_000 } = options;
    if (!(heartbeatMs > 0 && heartbeatMs < ttlMs))
      throw new Error('heartbeatMs must be positive and below ttlMs');
    this.instanceId = options.instanceId ?? randomUUID();
    this.ns = `${options.keyPrefix ?? ''}presence:`;
    this.ttlMs = ttlMs;
    this.onError = options.onError ?? reportTo('redis-presence');
    this.redis = definePresenceScripts(
      openRedis(options.redis, { connectionName: 'chat-presence' }, this.onError),
    );
    // Commands fail at once while disconnected: the first heartbeat waits for the connection (a
    // while), and every reconnect heartbeats at once, so this instance is back without delay.
    this.started = readyOrTimeout(this.redis, 2_000).then(() => this.heartbeat());
    this.redis.on('ready', () => void this.heartbeat());
    this.timer = setInterval(() => void this.heartbeat(), heartbeatMs).unref();
  }

  async connectedUserIds(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    await this.started;
    return new Set(await this.redis.presenceConnected(...this.head(), ...userIds));
  }

  async connect(userId: string, connectionId: string): Promise<boolean> {
    const key = localKey(userId, connectionId);
    const connection: LocalConnection = { userId, connectionId, recorded: false };
    this.local.set(key, connection);
    await this.started;
    try {
      const first =
        (await this.redis.presenceConnect(...this.head(userId), userId, connectionId)) === 1;
      connection.recorded = true;
      return first;
    } catch (error) {
      if (this.local.get(key) === connection) this.local.delete(key);
      throw error;
    }
  }

  async disconnect(userId: string, connectionId: string): Promise<boolean> {
    // Before the script is sent, so a re-registration sent after it cannot bring it back.
    this.local.delete(localKey(userId, connectionId));
    await this.started;
    return (await this.redis.presenceDisconnect(...this.head(userId), userId, connectionId)) === 1;
  }

  onUsersOffline(listener: (userIds: string[]) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.beating;
    await closeRedis(this.redis);
  }

  /** The keys and arguments every script starts with: for a user's operation, their keys too. */
  private head(userId?: string): ScriptArg[] {
    const keys = [`${this.ns}instances`];
    if (userId !== undefined)
      keys.push(`${this.ns}user:${userId}`, `${this.ns}instance:${this.instanceId}`);
    return [keys.length, ...keys, this.instanceId, this.ttlMs, this.ns];
  }

  /** Never rejects: a failed heartbeat is reported and the next one tries again. */
  private heartbeat(): Promise<void> {
    // while disconnected it would only fail; the reconnect ('ready') heartbeats at once
    if (this.closed || this.redis.status !== 'ready') return Promise.resolve();
    this.beating ??= this.beat()
      .catch(this.onError)
      .finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beat(): Promise<void> {
    const [added, offline] = await this.redis.presenceHeartbeat(...this.head());
    // Not registered although its connections were recorded: it was swept while alive. Record
    // them again (the connect script, sent in a row: one round trip of latency).
    const recorded = [...this.local.values()].filter((connection) => connection.recorded);
    if (added === 1 && recorded.length > 0) {
      await Promise.all(
        recorded.map(({ userId, connectionId }) =>
          this.redis.presenceConnect(...this.head(userId), userId, connectionId),
        ),
      );
    }
    if (offline.length > 0) this.report(offline);
  }

  private report(userIds: string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(userIds);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

function definePresenceScripts(redis: Redis): PresenceRedis {
  // numberOfKeys is passed with each call (the head), as user operations have more keys
  redis.defineCommand('presenceConnect', { lua: connectScript });
  redis.defineCommand('presenceDisconnect', { lua: disconnectScript });
  redis.defineCommand('presenceConnected', { lua: connectedScript });
  redis.defineCommand('presenceHeartbeat', { lua: heartbeatScript });
  // defineCommand adds the methods declared by PresenceRedis
  return redis as PresenceRedis;
}
