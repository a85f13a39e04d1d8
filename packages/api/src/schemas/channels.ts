import { z } from 'zod';
import { pageQuery, uuid } from './common.js';
import { channelName } from './social.js';

export const channelIdInput = z.object({ channelId: uuid });

export const createChannelInput = z.object({
  name: channelName,
  isPrivate: z.boolean().default(false),
  memberIds: z.array(uuid).max(100).default([]),
});
export type CreateChannelInput = z.infer<typeof createChannelInput>;

export const listChannelsInput = pageQuery;

export const channelMemberInput = z.object({ channelId: uuid, userId: uuid });
export type ChannelMemberInput = z.infer<typeof channelMemberInput>;

export const listMembersInput = pageQuery.extend({ channelId: uuid });
export type ListMembersInput = z.infer<typeof listMembersInput>;

export const openDmInput = z.object({
  userIds: z.array(uuid).min(1).max(8),
});
export type OpenDmInput = z.infer<typeof openDmInput>;

export const setMutedInput = z.object({ channelId: uuid, muted: z.boolean() });
export type SetMutedInput = z.infer<typeof setMutedInput>;
