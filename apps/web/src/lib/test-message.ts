// A Message as the server sends it, for the client's unit tests: seq `seq` of channel c1,
// with any field set by `overrides`.
import type { Message } from './api-types';

export function testMessage(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    channelId: 'c1',
    seq,
    userId: 'u1',
    username: 'ann',
    content: `message ${seq}`,
    createdAt: new Date(seq * 1000).toISOString(),
    editedAt: null,
    deleted: false,
    clientMsgId: null,
    parentId: null,
    replyCount: 0,
    lastReplyAt: null,
    replyUserIds: [],
    pinnedAt: null,
    reactions: [],
    reactionsVersion: 0,
    attachments: [],
    webhookId: null,
    iconUrl: null,
    ...overrides,
  };
}
