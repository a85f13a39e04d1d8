// Inputs of reactions, pins and channel topics (API.md). REST takes the ids (and the emoji) from
// the path; the service inputs add them to the bodies.
import { z } from 'zod';
import { text, uuid } from './common.js';

export const reactionLimits = { emojiLength: 32, distinctPerMessage: 50 } as const;

/**
 * An emoji as a client names it (a character like 👍, or a shortcode): 1..32 characters, counted
 * as code points so a multi-unit emoji is not cut short; no whitespace or control characters.
 */
export const emoji = text()
  .refine((value) => [...value].length >= 1, 'must not be empty')
  .refine(
    (value) => [...value].length <= reactionLimits.emojiLength,
    `must be at most ${reactionLimits.emojiLength} characters`,
  )
  .refine((value) => !/[\s\p{Cc}]/u.test(value), 'must not contain spaces or control characters');

export const reactionOp = z.enum(['add', 'remove']);

export const reactionInput = z.object({ messageId: uuid, emoji, op: reactionOp });
export type ReactionInput = z.infer<typeof reactionInput>;

export const pinInput = z.object({ messageId: uuid, op: reactionOp });
export type PinInput = z.infer<typeof pinInput>;

export const channelName = text().trim().min(1).max(80);

/** `""` and `null` both clear the topic. */
export const channelTopic = text()
  .trim()
  .max(250)
  .nullable()
  .transform((value) => (value ? value : null));

export const updateChannelBody = z.object({
  name: channelName.optional(),
  topic: channelTopic.optional(),
});
export const updateChannelInput = updateChannelBody.extend({ channelId: uuid });
export type UpdateChannelInput = z.infer<typeof updateChannelInput>;
