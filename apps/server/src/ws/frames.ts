// Server → client frames of the /ws protocol (API.md). A frame shared by many sockets (a
// message, a channel event) is serialised once per instance, not once per socket.
import type { ClientEvent, ErrorCode, Message, ValidationIssue } from '@chat/api/server';

const unixSeconds = () => Math.floor(Date.now() / 1000);

const serialised = new WeakMap<object, string>();

function once(source: object, build: () => object): string {
  let frame = serialised.get(source);
  if (frame === undefined) {
    frame = JSON.stringify(build());
    serialised.set(source, frame);
  }
  return frame;
}

export const frame = (type: string, fields: object = {}) =>
  JSON.stringify({ type, ...fields, timestamp: unixSeconds() });

export const messageFrame = (message: Message) =>
  once(message, () => ({
    type: 'message',
    channel: message.channelId,
    ...message,
    timestamp: unixSeconds(),
  }));

export const mentionFrame = (message: Message) =>
  frame('mention', { channel: message.channelId, message });

export function eventFrame(event: ClientEvent): string {
  return once(event, () => {
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
}

export const errorFrame = (
  code: ErrorCode,
  message: string,
  ref?: string,
  issues?: ValidationIssue[],
) => frame('error', { code, message, ref: ref ?? null, ...(issues ? { issues } : {}) });
