// GET /metrics (Prometheus text) and the hooks that feed it: every HTTP response, and every
// WebSocket connection, plain /ws or tRPC's, opened and closed. With METRICS_TOKEN set, only
// `Authorization: Bearer <METRICS_TOKEN>` may read it. With DEBUG_HEAP_ENDPOINT, GET /debug/heap
// answers the process's memory after a full garbage collection (for `pnpm bench`).
import { timingSafeEqual } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bearerToken, unauthorized } from '@chat/api/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { errors } from '../rest/openapi.js';
import { metrics, type Transport } from '../metrics.js';

export interface MetricsOptions {
  token: string | undefined;
  /** Serve GET /debug/heap: memory after a full GC (a pause of the whole process). */
  heapEndpoint?: boolean;
}

/**
 * V8's full collection, without starting node with --expose-gc: the flag set at run time
 * exposes `gc` to contexts created after it.
 */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

async function metricsPlugin(app: FastifyInstance, { token, heapEndpoint }: MetricsOptions) {
  const onRequest = async (request: FastifyRequest) => {
    if (token === undefined) return;
    const given = bearerToken(request.headers.authorization);
    if (!given || !sameSecret(given, token)) throw unauthorized('Bearer METRICS_TOKEN required');
  };
  app.addHook('onResponse', async (request, reply) => {
    // the route's pattern, not its URL: one series per route, whatever the ids
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpResponse(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('onReady', async () => {
    // @fastify/websocket serves both /ws and tRPC's socket on one server
    app.websocketServer.on('connection', (socket, request) => {
      const transport: Transport = request.url?.startsWith('/trpc') ? 'trpc-ws' : 'ws';
      metrics.socketOpened(transport);
      socket.once('close', () => metrics.socketClosed(transport));
    });
  });

  app.get(
    '/metrics',
    {
      onRequest,
      schema: {
        tags: ['operations'],
        operationId: 'metrics',
        summary: 'Prometheus metrics (Bearer METRICS_TOKEN when that is set)',
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: z.string() } },
          },
          ...errors(401),
        },
      },
    },
    async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  if (heapEndpoint) {
    const collectGarbage = garbageCollector();
    app.get('/debug/heap', { onRequest, schema: { hide: true } }, async () => {
      collectGarbage();
      return process.memoryUsage();
    });
  }
}

export default fp(metricsPlugin, {
  fastify: '5.x',
  name: 'metrics',
  dependencies: ['@fastify/websocket'],
});
