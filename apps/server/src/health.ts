import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody } from './plugins/errors.js';
import { described, errors, publicRoute } from './rest/openapi.js';
import type { Runtime } from './runtime.js';

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
      request.log.warn({ reason: (error as Error).message }, 'not ready');
      return reply
        .status(503)
        .send(errorBody('SERVICE_UNAVAILABLE', 'A backing service is not answering'));
    }
  });
};

/** Paths served without the stores: health, the API's documentation, the web client's files. */
const needsStores = (url: string) =>
  /^\/(api|trpc|ws)(\/|\?|$)/.test(url) && !/^\/api\/(docs|openapi\.json)(\/|\?|$)/.test(url);

/**
 * An onRequest hook: while a store is known to be down, every request that needs it answers
 * 503 at once (a /ws or tRPC upgrade is refused with 503) instead of waiting for its timeout;
 * a request still unanswered after a moment has the stores probed (`Runtime.watch`).
 */
export function storeGate(runtime: Pick<Runtime, 'assertAvailable' | 'watch'>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!needsStores(request.url)) return;
    runtime.assertAvailable();
    // not the streams that stay open on purpose (the upgrades watch their own start)
    const streams = request.headers.upgrade || request.headers.accept === 'text/event-stream';
    if (!streams) void runtime.watch(new Promise((done) => reply.raw.once('close', done)));
  };
}
