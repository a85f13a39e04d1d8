// Slack-compatible incoming webhooks: a secret URL that posts into one channel. Its messages go
// through the same send path as any other, stored under the webhook's creator (who must still be
// a member) and shown with the webhook's name, or the `username` the payload asks for.
import { randomBytes } from 'node:crypto';
import { schema } from '@chat/db';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { AppError, forbidden, notFound } from '../errors.js';
import type { CreateWebhookInput, WebhookPayload } from '../schemas/index.js';
import { memberChannel } from './access.js';
import type { Actor, ServiceDeps } from './deps.js';
import { sendMessage } from './messages.js';
import { digestSecret } from './tokens.js';
import { iso, type Message, type Webhook } from './views.js';

const { webhooks, users } = schema;

export const webhookPath = (secret: string) => `/hooks/${secret}`;

function toWebhook(row: typeof webhooks.$inferSelect): Webhook {
  return {
    id: row.id,
    name: row.name,
    channelId: row.channelId,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
  };
}

/** Members of a channel add webhooks to it; the answer holds the one copy of its URL. */
export async function createWebhook(
  deps: ServiceDeps,
  actor: Actor,
  input: CreateWebhookInput,
): Promise<{ webhook: Webhook & { url: string } }> {
  await memberChannel(deps.db, actor, input.channelId);
  const secret = randomBytes(32).toString('base64url');
  const [row] = await deps.db
    .insert(webhooks)
    .values({
      channelId: input.channelId,
      createdBy: actor.userId,
      name: input.name,
      secretHash: digestSecret(secret),
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return { webhook: { ...toWebhook(row), url: webhookPath(secret) } };
}

export async function listWebhooks(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<{ items: Webhook[] }> {
  await memberChannel(deps.db, actor, channelId);
  const rows = await deps.db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.channelId, channelId), isNull(webhooks.deletedAt)))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
  return { items: rows.map(toWebhook) };
}

/**
 * Its creator or the channel's creator deletes a webhook; its URL is dead from then on, its
 * messages stay (and keep naming it). Other members get FORBIDDEN, non-members NOT_FOUND.
 */
export async function deleteWebhook(
  deps: ServiceDeps,
  actor: Actor,
  webhookId: string,
): Promise<void> {
  const [row] = await deps.db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), isNull(webhooks.deletedAt)));
  if (!row) throw notFound('Webhook');
  const channel = await memberChannel(deps.db, actor, row.channelId).catch(() => {
    throw notFound('Webhook');
  });
  if (row.createdBy !== actor.userId && channel.createdBy !== actor.userId)
    throw forbidden("Only the webhook's or the channel's creator can delete a webhook");
  await deps.db
    .update(webhooks)
    .set({ deletedAt: new Date() })
    .where(and(eq(webhooks.id, webhookId), isNull(webhooks.deletedAt)));
}

/** The webhook a secret belongs to, if it is live; NOT_FOUND otherwise. */
export async function webhookOfSecret(deps: ServiceDeps, secret: string) {
  const [row] = await deps.db
    .select({ webhook: webhooks, creatorName: users.username })
    .from(webhooks)
    .innerJoin(users, eq(users.id, webhooks.createdBy))
    .where(and(eq(webhooks.secretHash, digestSecret(secret)), isNull(webhooks.deletedAt)));
  if (!row) throw notFound('Webhook');
  return row;
}

/** Posts a payload into the webhook's own channel (whatever channel the payload names). */
export async function postThroughWebhook(
  deps: ServiceDeps,
  secret: string,
  payload: WebhookPayload,
): Promise<Message> {
  const { webhook, creatorName } = await webhookOfSecret(deps, secret);
  const creator: Actor = { userId: webhook.createdBy, username: creatorName };
  try {
    const { message } = await sendMessage(deps, creator, {
      channelId: webhook.channelId,
      content: payload.text,
      webhook: {
        webhookId: webhook.id,
        name: payload.username ?? webhook.name,
        iconUrl: payload.icon_url ?? null,
      },
    });
    return message;
  } catch (error) {
    // the creator left the channel (or lost sight of it): the webhook cannot speak there
    if (error instanceof AppError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND'))
      throw forbidden("The webhook's creator is no longer a member of its channel");
    throw error;
  }
}
