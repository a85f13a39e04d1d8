// Server → client frames of the /ws protocol (API.md). A frame shared by many sockets (a
// message, its mention, a channel event) is serialised and framed once per instance, to one
// Buffer holding the whole WebSocket message that every socket writes as it is; a socket's own
// frames (ack, error) are text, framed by ws.
import {
  mentionedNames,
  type ClientEvent,
  type ErrorCode,
  type Message,
  type ValidationIssue,
} from '@chat/api/server';
import { textMessage } from './wire.js';

const unixSeconds = () => Math.floor(Date.now() / 1000);

/** A frame, as text, or as the bytes of its WebSocket message (see wire.ts). */
export type Frame = string | Buffer;

function cachedBy<T extends object>(build: (source: T) => object): (source: T) => Buffer {
  const built = new WeakMap<T, Buffer>();
  return (source) => {
    let frame = built.get(source);
    if (frame === undefined) {
      frame = textMessage(JSON.stringify(build(source)));
      built.set(source, frame);
    }
    return frame;
  };
}

export const frame = (type: string, fields: object = {}) =>
  JSON.stringify({ type, ...fields, timestamp: unixSeconds() });

const messageFields = (message: Message) => ({
  type: 'message',
  channel: message.channelId,
  ...message,
  timestamp: unixSeconds(),
});

const mentionFields = (message: Message) => ({
  type: 'mention',
  channel: message.channelId,
  message,
  timestamp: unixSeconds(),
});

export const messageFrame = cachedBy(messageFields);
const sharedMentionFrame = cachedBy(mentionFields);

/** The frame of a message only one socket gets (a resumed backlog): nothing is kept of it. */
export const ownMessageFrame = (message: Message) => JSON.stringify(messageFields(message));

const namesIn = new WeakMap<Message, Set<string>>();

/**
 * The mention frame for `username` if the message mentions them; for a `shared` message (live,
 * to many sockets) its names are read and its frame made once.
 */
export function mentionFrameFor(
  message: Message,
  username: string,
  shared = true,
): Frame | undefined {
  if (message.deleted) return undefined;
  if (!shared) {
    const mentioned = mentionedNames(message.content).has(username.toLowerCase());
    return mentioned ? JSON.stringify(mentionFields(message)) : undefined;
  }
  let names = namesIn.get(message);
  if (names === undefined) namesIn.set(message, (names = mentionedNames(message.content)));
  return names.has(username.toLowerCase()) ? sharedMentionFrame(message) : undefined;
}

export const eventFrame = cachedBy((event: ClientEvent) => {
  if (event.type === 'presence')
    return {
      type: 'presence',
      userId: event.userId,
      status: event.status,
      timestamp: unixSeconds(),
    };
  if (event.type === 'user_updated')
    return { type: 'user_updated', user: event.user, timestamp: unixSeconds() };
  // here `channel` is the Channel object itself (API.md), not its id
  if (event.type === 'channel_updated')
    return { type: event.type, channel: event.channel, timestamp: unixSeconds() };
  const { channelId, ...fields } = event;
  // `seq` on join is the server's own bookkeeping
  if (event.type === 'join') delete (fields as { seq?: number }).seq;
  return { ...fields, channel: channelId, timestamp: unixSeconds() };
});

export const errorFrame = (
  code: ErrorCode,
  message: string,
  ref?: string,
  issues?: ValidationIssue[],
) => frame('error', { code, message, ref: ref ?? null, ...(issues ? { issues } : {}) });
