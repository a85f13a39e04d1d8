// Builds the Fastify app around a runtime; does not listen (main.ts does, tests inject).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Config } from './env.js';
import { healthRoutes } from './health.js';
import errors from './plugins/errors.js';
import { restRoutes, type AuthRateLimits } from './rest/index.js';
import type { Runtime } from './runtime.js';
import { trpcOptions } from './trpc.js';
import { defaultWsLimits, type WsLimits } from './ws/connection.js';
import { wsRoute } from './ws/route.js';

export const bodyLimit = 64 * 1024;

export interface AppOptions {
  config: Config;
  runtime: Runtime;
  logger?: FastifyServerOptions['logger'];
  authRateLimits?: Partial<AuthRateLimits>;
  wsLimits?: Partial<WsLimits>;
}

export async function buildApp({ config, runtime, logger, authRateLimits, wsLimits }: AppOptions) {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit,
    routerOptions: { maxParamLength: 5000 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errors);
  await app.register(helmet, {
    // Swagger UI and the web client load only their own files; nothing inline.
    contentSecurityPolicy: { directives: { 'connect-src': ["'self'", 'ws:', 'wss:'] } },
  });
  await app.register(rateLimit, { global: false });
  await app.register(websocket, { options: { maxPayload: bodyLimit } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Chat REST API', version: '1.0.0', description: 'The REST shim of shared/API.md' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await app.register(healthRoutes, { checkReady: () => runtime.checkReady() });
  await app.register(restRoutes, {
    prefix: '/api',
    deps: runtime.deps,
    limits: { perIp: 30, perUsername: 10, windowMs: 60_000, ...authRateLimits },
  });
  await app.register(wsRoute, { deps: runtime.deps, limits: { ...defaultWsLimits, ...wsLimits } });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    useWSS: true,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    trpcOptions: trpcOptions(runtime.deps),
  });

  if (existsSync(config.webDist)) {
    await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
    // Client-side routes of the single-page app all load index.html.
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (request.method === 'GET' && !/^\/(api|trpc|ws)(\/|$)/.test(path)) return reply.sendFile('index.html');
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${path}` } });
    });
  }
  return app;
}
