import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { errorBody } from './plugins/errors.js';
import { described, errors, publicRoute } from './rest/openapi.js';

const status = z.object({ status: z.literal('ok') });
const tags = ['health'];

export const healthRoutes: FastifyPluginAsync<{ checkReady: () => Promise<void> }> = async (
  app,
  { checkReady },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Whether the process is alive',
        tags,
        ...publicRoute,
        response: { 200: described(status, 'Alive') },
      },
    },
    () => ({ status: 'ok' }),
  );
  const readiness = {
    operationId: 'getReadiness',
    summary: 'Whether Postgres (and Redis, when configured) answer',
    tags,
    ...publicRoute,
    response: { 200: described(status, 'Ready to serve'), ...errors(503) },
  };
  app.get('/readyz', { schema: readiness }, async (request, reply) => {
    try {
      await checkReady();
      return { status: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return reply
        .status(503)
        .send(errorBody('SERVICE_UNAVAILABLE', 'A backing service is not answering'));
    }
  });
};
