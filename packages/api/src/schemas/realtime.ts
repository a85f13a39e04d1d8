// Frames a client sends on the plain JSON WebSocket (/ws) of API.md, and the inputs of the
// realtime tRPC procedures.
import { z } from 'zod';
import { userStatus } from './auth.js';
import { seq, uuid } from './common.js';
import { clientMsgId, sendContent, sendMessageBody } from './messages.js';
import { reactionInput } from './social.js';

/**
 * Resume cursors by channel id. A `__proto__` key would vanish as the record is built (and the
 * client be answered with silence): it is refused like any other key that is no channel id.
 */
const cursors = z
  .unknown()
  .refine((value) => !(value && typeof value === 'object' && Object.hasOwn(value, '__proto__')), {
    message: 'must map channel ids to seqs ("__proto__" is not a channel id)',
  })
  .pipe(z.record(uuid, seq));

export const clientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    channel: uuid,
    content: sendContent,
    clientMsgId: clientMsgId.optional(),
    attachmentIds: sendMessageBody.shape.attachmentIds,
    parentId: sendMessageBody.shape.parentId,
  }),
  z.object({ type: z.literal('typing'), channel: uuid }),
  z.object({ type: z.literal('join'), channel: uuid }),
  z.object({ type: z.literal('leave'), channel: uuid }),
  z.object({ type: z.literal('read'), channel: uuid, seq }),
  reactionInput.extend({ type: z.literal('reaction') }),
  z.object({ type: z.literal('presence'), status: userStatus }),
  z.object({ type: z.literal('resume'), cursors }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

export const channelSubscriptionInput = z.object({
  channelId: uuid,
  /** The last seq the client has (tRPC's tracked event id); absent means "from now on". */
  lastEventId: z.string().regex(/^\d+$/).nullish(),
});

export const typingInput = z.object({ channelId: uuid });
export const statusInput = z.object({ status: userStatus });
