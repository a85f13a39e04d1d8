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
import Fastify, {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Config } from './env.js';
import { healthRoutes } from './health.js';
import errors, { toErrorResponse } from './plugins/errors.js';
import jsonBody from './plugins/json-body.js';
import { restRoutes } from './rest/index.js';
import {
  createAuthAttemptLimiter,
  defaultAuthRateLimits,
  type AuthRateLimits,
} from './auth-rate-limit.js';
import type { Runtime } from './runtime.js';
import { trpcOptions } from './trpc.js';
import { defaultWsLimits, type WsLimits } from './ws/connection.js';
import { wsRoute } from './ws/route.js';

export const bodyLimit = 64 * 1024;

export interface AppOptions {
  config: Config;
  runtime: Runtime;
  logger?: FastifyServerOptions['logger'];
  /** The process's pino logger (main.ts); otherwise Fastify makes one from `logger`. */
  loggerInstance?: FastifyBaseLogger;
  authRateLimits?: Partial<AuthRateLimits>;
  wsLimits?: Partial<WsLimits>;
}

export async function buildApp({
  config,
  runtime,
  logger,
  loggerInstance,
  authRateLimits,
  wsLimits,
}: AppOptions) {
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: logger ?? { level: config.logLevel } }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit,
    routerOptions: { maxParamLength: 5000 },
    // URLs the router cannot even match (bad percent-encoding, an over-long parameter) never
    // reach the error handler: they get the same contract body here.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toErrorResponse(error);
      void reply.status(status).send(body);
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const webClient = existsSync(config.webDist);
  await app.register(errors, {
    // Client-side routes of the single-page app all load index.html.
    notFoundFallback: webClient
      ? (request, reply) => {
          const path = request.url.split('?')[0] ?? '';
          if (request.method !== 'GET' || /^\/(api|trpc|ws)(\/|$)/.test(path)) return undefined;
          return reply.sendFile('index.html');
        }
      : undefined,
  });
  await app.register(jsonBody);
  await app.register(helmet, {
    // Swagger UI and the web client load only their own files; nothing inline.
    // Served over plain http by default (TLS belongs to the proxy in front): asking browsers to
    // upgrade requests would break the app when opened by a LAN address.
    contentSecurityPolicy: {
      directives: { 'connect-src': ["'self'", 'ws:', 'wss:'], 'upgrade-insecure-requests': null },
    },
  });
  await app.register(rateLimit, {
    global: false,
    // with several instances the counters are shared, or each would allow the limit again
    ...(runtime.redis
      ? { redis: runtime.redis, nameSpace: `${config.redisKeyPrefix}rate-limit:` }
      : {}),
  });
  const limitAuthAttempt = createAuthAttemptLimiter(app, {
    ...defaultAuthRateLimits,
    ...authRateLimits,
  });
  await app.register(websocket, { options: { maxPayload: bodyLimit } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chat REST API',
        version: '1.0.0',
        description:
          "The REST shim of the service's contract: docs/API.md in its repository (REST and /ws).",
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
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
    limitAuthAttempt,
  });
  const effectiveWsLimits = { ...defaultWsLimits, ...wsLimits };
  await app.register(wsRoute, { deps: runtime.deps, limits: effectiveWsLimits });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    useWSS: true,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    trpcOptions: trpcOptions(
      runtime.deps,
      app.log,
      effectiveWsLimits.maxBufferedBytes,
      limitAuthAttempt,
    ),
  });

  if (webClient) await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
  return app;
}
