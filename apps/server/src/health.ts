import type { FastifyPluginAsync } from 'fastify';
import { errorBody } from './plugins/errors.js';

export const healthRoutes: FastifyPluginAsync<{ checkReady: () => Promise<void> }> = async (
  app,
  { checkReady },
) => {
  app.get('/healthz', { schema: { tags: ['health'], security: [] } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], security: [] } }, async (request, reply) => {
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
