// API.md "Integrations": personal access tokens and the management of incoming webhooks.
import { accessTokensService, schemas, webhooksService } from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors, noContent } from './openapi.js';
import { idParams } from './params.js';

const time = z.string().describe('ISO 8601 with milliseconds and Z');

const accessToken = z.object({
  id: schemas.uuid,
  name: z.string(),
  createdAt: time,
  expiresAt: time.nullable(),
  lastUsedAt: time.nullable(),
});

const webhook = z.object({
  id: schemas.uuid,
  name: z.string(),
  channelId: schemas.uuid,
  createdBy: schemas.uuid,
  createdAt: time,
});

export const integrationRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  const tokenTags = ['access tokens'];
  app.post(
    '/auth/tokens',
    {
      schema: {
        tags: tokenTags,
        operationId: 'createAccessToken',
        summary: 'Create a personal access token (its secret is shown once)',
        body: schemas.createAccessTokenInput,
        response: {
          201: described(
            z.object({ token: accessToken, secret: z.string() }),
            'The token, and its secret (shown only this once)',
          ),
          ...errors(400, 401, 413, 429, 503),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await accessTokensService.createAccessToken(deps, actorOf(request), request.body)),
  );
  app.get(
    '/auth/tokens',
    {
      schema: {
        tags: tokenTags,
        operationId: 'listAccessTokens',
        summary: "The caller's personal access tokens, without their secrets",
        response: {
          200: described(z.object({ items: z.array(accessToken) }), 'The tokens'),
          ...errors(401, 503),
        },
      },
    },
    (request) => accessTokensService.listAccessTokens(deps, actorOf(request)),
  );
  app.delete(
    '/auth/tokens/:id',
    {
      schema: {
        tags: tokenTags,
        operationId: 'revokeAccessToken',
        summary: 'Revoke a personal access token, at once on every instance',
        params: idParams,
        response: { 204: noContent, ...errors(400, 401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      await accessTokensService.revokeAccessToken(deps, actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  const webhookTags = ['webhooks'];
  app.post(
    '/channels/:id/webhooks',
    {
      schema: {
        tags: webhookTags,
        operationId: 'createWebhook',
        summary: 'Add an incoming webhook to a channel (its URL is shown once)',
        params: idParams,
        body: schemas.createWebhookBody,
        response: {
          201: described(
            z.object({
              webhook: webhook.extend({ url: z.string().describe('/hooks/<secret>') }),
            }),
            'The webhook, with its URL (shown only this once)',
          ),
          ...errors(400, 401, 403, 404, 413, 429, 503),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await webhooksService.createWebhook(deps, actorOf(request), {
          channelId: request.params.id,
          ...request.body,
        }),
      ),
  );
  app.get(
    '/channels/:id/webhooks',
    {
      schema: {
        tags: webhookTags,
        operationId: 'listWebhooks',
        summary: "A channel's incoming webhooks, without their secrets",
        params: idParams,
        response: {
          200: described(z.object({ items: z.array(webhook) }), 'The webhooks'),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    (request) => webhooksService.listWebhooks(deps, actorOf(request), request.params.id),
  );
  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: webhookTags,
        operationId: 'deleteWebhook',
        summary: 'Delete an incoming webhook: its URL stops working',
        params: idParams,
        response: { 204: noContent, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      await webhooksService.deleteWebhook(deps, actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
};
