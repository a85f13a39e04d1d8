// Slack-compatible incoming webhooks: `POST /hooks/<secret>` with JSON `{ text, username?,
// icon_url? }`, or a form body whose `payload` field holds that JSON. Answers `ok`, as Slack does.
import formBody from '@fastify/formbody';
import {
  badRequest,
  digestSecret,
  schemas,
  toValidationIssues,
  webhooksService,
  type ServiceDeps,
} from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from './rest/openapi.js';
import type { Limiter } from './rate-limit.js';

const secretParams = z.object({ secret: schemas.text().min(1).max(256) });
const formPayload = z.object({ payload: z.string().describe('the JSON payload, as text') });
const hookBody = z.union([schemas.webhookPayload, formPayload]);

export interface HookRoutesOptions {
  deps: ServiceDeps;
  limitWebhook: Limiter;
}

export const hookRoutes: FastifyPluginAsyncZod<HookRoutesOptions> = async (
  app,
  { deps, limitWebhook },
) => {
  // Forms are parsed only here: no other route accepts them.
  await app.register(formBody);
  app.post(
    '/hooks/:secret',
    {
      // counted before the body is even read, keyed by the secret's digest (never the secret)
      onRequest: async (request) => {
        const { secret } = request.params as { secret?: unknown };
        await limitWebhook(digestSecret(typeof secret === 'string' ? secret : ''));
      },
      schema: {
        tags: ['webhooks'],
        operationId: 'postThroughWebhook',
        summary: 'Post to the channel of an incoming webhook (Slack-compatible)',
        security: [],
        params: secretParams,
        body: hookBody,
        response: {
          200: { description: 'Posted', content: { 'text/plain': { schema: z.literal('ok') } } },
          ...errors(400, 403, 404, 413, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const payload = 'text' in body ? body : parsePayload(body.payload);
      await webhooksService.postThroughWebhook(deps, request.params.secret, payload);
      return reply.type('text/plain; charset=utf-8').send('ok');
    },
  );
};

function parsePayload(text: string): schemas.WebhookPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('payload is not valid JSON');
  }
  const parsed = schemas.webhookPayload.safeParse(json);
  if (!parsed.success) throw badRequest('Invalid payload', toValidationIssues(parsed.error.issues));
  return parsed.data;
}
