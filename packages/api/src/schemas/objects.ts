// The objects clients receive (API.md "Objects") as zod schemas: the REST routes serialize their
// responses with them and the OpenAPI document describes them. Each one must stay exactly the
// type of services/views.ts it stands for (checked at the end of this file), so a field added
// to a view without its schema fails to compile instead of being dropped from responses.
import { z } from 'zod';
import { errorStatus, type ErrorCode } from '../errors.js';
import type { Session, TokenPair } from '../services/auth.js';
import type { History } from '../services/messages.js';
import type { Thread } from '../services/threads.js';
import type { SearchHit } from '../services/search.js';
import type {
  Attachment,
  Channel,
  Member,
  Message,
  OwnUser,
  Reaction,
  User,
} from '../services/views.js';
import type { Page } from './common.js';

// Outputs are checked by shape only: an id or time that the database produced is never refused.
const id = z.guid();
const time = z.iso.datetime();

export const user = z
  .object({
    id,
    username: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    status: z.enum(['online', 'away', 'dnd', 'offline']),
    lastSeen: time.nullable(),
    createdAt: time,
  })
  .meta({ id: 'User', description: 'A user as others see them' });

export const member = user
  .extend({
    /** The seq of the last message this member has read in the channel. */
    lastReadSeq: z.number().int(),
  })
  .meta({ id: 'Member', description: "A channel's member and their read mark in it" });

export const ownUser = user
  .extend({ email: z.string() })
  .meta({ id: 'OwnUser', description: "The caller's own user: the only place an email appears" });

export const channel = z
  .object({
    id,
    name: z.string().nullable(),
    kind: z.enum(['channel', 'dm']),
    isPrivate: z.boolean(),
    topic: z.string().nullable(),
    createdBy: id.nullable(),
    createdAt: time,
    memberCount: z.number().int(),
    isMember: z.boolean(),
    lastSeq: z.number().int(),
    lastReadSeq: z.number().int().optional(),
    unreadCount: z.number().int().optional(),
    mentionCount: z.number().int().optional(),
    muted: z.boolean().optional(),
  })
  .meta({
    id: 'Channel',
    description:
      'A channel or direct message; lastReadSeq, unreadCount, mentionCount and muted are present only when isMember',
  });

export const reaction = z
  .object({ emoji: z.string(), count: z.number().int(), userIds: z.array(id) })
  .meta({ id: 'Reaction' });

export const attachment = z
  .object({
    id,
    name: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    url: z.string(),
  })
  .meta({ id: 'Attachment' });

export const message = z
  .object({
    id,
    channelId: id,
    seq: z.number().int(),
    userId: id,
    username: z.string(),
    content: z.string(),
    createdAt: time,
    editedAt: time.nullable(),
    deleted: z.boolean(),
    clientMsgId: z.string().nullable(),
    /** A thread reply's root; null for a top-level message. */
    parentId: id.nullable(),
    /** On a root: how many replies its thread has, the newest one's time, its latest repliers (up to 5). */
    replyCount: z.number().int(),
    lastReplyAt: time.nullable(),
    replyUserIds: z.array(id),
    pinnedAt: time.nullable(),
    reactions: z.array(reaction),
    reactionsVersion: z
      .number()
      .int()
      .describe('Grows with each change of `reactions`: keep the state with the largest one'),
    attachments: z.array(attachment),
    /** The incoming webhook that posted it (then `username` is the name it posted under). */
    webhookId: id.nullable(),
    /** The avatar a webhook message asked for (its `icon_url`). */
    iconUrl: z.string().nullable(),
  })
  .meta({ id: 'Message' });

/** `{ items, nextCursor }` of a paginated list. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const userPage = page(user).meta({ id: 'UserPage' });
export const memberPage = page(member).meta({ id: 'MemberPage' });
export const channelPage = page(channel).meta({ id: 'ChannelPage' });

export const history = z
  .object({ items: z.array(message), hasMore: z.boolean() })
  .meta({ id: 'MessageHistory' });

export const thread = z
  .object({ root: message, items: z.array(message), hasMore: z.boolean() })
  .meta({ id: 'MessageThread', description: 'A root message and a page of its replies' });
export const searchHit = message
  .extend({
    /** The matching passage, HTML-escaped, with the terms in `<mark>…</mark>`. */
    highlight: z.string(),
  })
  .meta({ id: 'SearchHit' });
export const searchPage = page(searchHit).meta({ id: 'SearchPage' });

export const fileResult = z.object({ file: attachment });

export const tokenPair = z.object({ accessToken: z.string(), refreshToken: z.string() });
export const session = tokenPair.extend({ user: ownUser }).meta({ id: 'Session' });

export const userResult = z.object({ user });
export const ownUserResult = z.object({ user: ownUser });
export const channelResult = z.object({ channel });
export const messageResult = z.object({ message });
export const messageList = z.object({ items: z.array(message) }).meta({ id: 'MessageList' });
export const lastReadSeqResult = z.object({ lastReadSeq: z.number().int() });

/** API.md's error body, on every status it is sent with. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      /** Only on validation errors. */
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

// Each schema's output is exactly its view type: not a field more or less.
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;
export type ObjectSchemasMatchViews = [
  Check<Same<z.output<typeof user>, User>>,
  Check<Same<z.output<typeof ownUser>, OwnUser>>,
  Check<Same<z.output<typeof channel>, Channel>>,
  Check<Same<z.output<typeof reaction>, Reaction>>,
  Check<Same<z.output<typeof attachment>, Attachment>>,
  Check<Same<z.output<typeof message>, Message>>,
  Check<Same<z.output<typeof member>, Member>>,
  Check<Same<z.output<typeof userPage>, Page<User>>>,
  Check<Same<z.output<typeof memberPage>, Page<Member>>>,
  Check<Same<z.output<typeof channelPage>, Page<Channel>>>,
  Check<Same<z.output<typeof history>, History>>,
  Check<Same<z.output<typeof thread>, Thread>>,
  Check<Same<z.output<typeof searchHit>, SearchHit>>,
  Check<Same<z.output<typeof tokenPair>, TokenPair>>,
  Check<Same<z.output<typeof session>, Session>>,
];
