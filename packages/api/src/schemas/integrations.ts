// Inputs of personal access tokens and incoming webhooks (API.md "Integrations").
import { z } from 'zod';
import { httpUrl, text, uuid } from './common.js';
import { messageContent } from './messages.js';

export const integrationName = text().trim().min(1).max(80);

export const createAccessTokenInput = z.object({
  name: integrationName,
  /** Omitted: the token never expires. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateAccessTokenInput = z.infer<typeof createAccessTokenInput>;

export const accessTokenIdInput = z.object({ tokenId: uuid });

export const createWebhookBody = z.object({ name: integrationName });
export const createWebhookInput = createWebhookBody.extend({ channelId: uuid });
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const webhookIdInput = z.object({ webhookId: uuid });

/**
 * What a Slack-compatible incoming webhook receives. Slack's other fields (`channel`, `blocks`,
 * `icon_emoji`…) are ignored: a webhook posts only to its own channel.
 */
export const webhookPayload = z.object({
  text: messageContent,
  username: text().trim().min(1).max(80).optional(),
  icon_url: httpUrl(2048).optional(),
});
export type WebhookPayload = z.infer<typeof webhookPayload>;
