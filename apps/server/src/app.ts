// Builds the Fastify app around a runtime; does not listen (main.ts does, tests inject).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import helmet from '@fastify/helmet';
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
import { authService } from '@chat/api/server';
import type { Config } from './env.js';
import { healthRoutes, storeGate } from './health.js';
import { hookRoutes } from './hooks.js';
import { isClientFault, loggerOptions } from './logger.js';
import errors, { describe, toErrorResponse } from './plugins/errors.js';
import jsonBody from './plugins/json-body.js';
import metricsPlugin from './plugins/metrics.js';
import { restRoutes } from './rest/index.js';
import { documentTransform } from './rest/openapi.js';
import {
  createAuthAttemptLimiter,
  defaultAuthRateLimits,
  type AuthRateLimits,
} from './auth-rate-limit.js';
import { createLimiter, type Limit } from './rate-limit.js';
import type { Runtime } from './runtime.js';
import { trpcOptions } from './trpc.js';
import { defaultWsLimits, type WsLimits } from './ws/connection.js';
import { wsRoute } from './ws/route.js';
import { defaultWebhookRateLimit } from './webhook-rate-limit.js';

export const bodyLimit = 64 * 1024;

const trustHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

export interface AppOptions {
  config: Config;
  runtime: Runtime;
  logger?: FastifyServerOptions['logger'];
  /** The process's pino logger (main.ts); otherwise Fastify makes one from `logger`. */
  loggerInstance?: FastifyBaseLogger;
  authRateLimits?: Partial<AuthRateLimits>;
  wsLimits?: Partial<WsLimits>;
  webhookRateLimit?: Partial<Limit>;
  /** Overrides config.writeLimit (tests). */
  writeLimit?: Partial<Limit>;
}

export async function buildApp({
  config,
  runtime,
  logger,
  loggerInstance,
  authRateLimits,
  wsLimits,
  webhookRateLimit,
  writeLimit,
}: AppOptions) {
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: logger ?? loggerOptions(config.logLevel) }),
    // Client addresses (rate limits, logs) come from X-Forwarded-For only behind trusted proxies.
    // (A hop count is what proxy-addr's own number form means; Fastify's types lack that form.)
    trustProxy:
      typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
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
          // the server's own endpoints answer a JSON 404, never the app
          if (request.method !== 'GET' || /^\/(api|trpc|ws|hooks|debug)(\/|$)/.test(path))
            return undefined;
          return reply.sendFile('index.html');
        }
      : undefined,
    onUnavailable: (error) => runtime.reportFailure(error),
  });
  app.addHook('onRequest', storeGate(runtime));
  await app.register(jsonBody);
  await app.register(helmet, {
    // Swagger UI and the web client load only their own files; nothing inline.
    // Served over plain http by default (TLS belongs to the proxy in front): asking browsers to
    // upgrade requests would break the app when opened by a LAN address.
    contentSecurityPolicy: {
      directives: { 'connect-src': ["'self'", 'ws:', 'wss:'], 'upgrade-insecure-requests': null },
    },
  });
  // With several instances the counters are shared, or each would allow the limit again.
  const limitStore = { redis: runtime.redis, keyPrefix: config.redisKeyPrefix };
  const limitAuthAttempt = createAuthAttemptLimiter(
    limitStore,
    {
      ...defaultAuthRateLimits,
      perIp: config.authRateLimit.perIp,
      perUsername: config.authRateLimit.perAccount,
      ...authRateLimits,
    },
    (name) => authService.attemptKey(runtime.deps, name),
  );
  const limitUserWrite = createLimiter(
    limitStore,
    'write:',
    { ...config.writeLimit, ...writeLimit },
    'Too many writes; slow down',
  );
  await app.register(websocket, {
    // no compression: the outbox writes shared frames as finished WebSocket messages (wire.ts)
    options: { maxPayload: bodyLimit, perMessageDeflate: false },
    errorHandler: (error, socket, request) => {
      // ws closes the socket itself (1009, 1007…) for what a peer sent wrong: its fault, not ours
      if (isClientFault(error)) return request.log.debug({ reason: describe(error) }, 'ws fault');
      request.log.error({ err: error }, 'websocket failed');
      socket.terminate();
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chat REST API',
        version: '1.0.0',
        description:
          "The REST shim of the service's contract: docs/API.md in its repository (REST and /ws).",
      },
      // The served document names the server it came from instead (see /api/openapi.json).
      servers: [{ url: `http://localhost:${config.port}`, description: 'This server' }],
      tags: [
        { name: 'auth', description: 'Accounts, sign-in and tokens' },
        { name: 'users', description: 'Other people' },
        { name: 'channels', description: 'Channels, their members and direct messages' },
        { name: 'messages', description: "A channel's messages" },
        { name: 'files', description: 'Uploads and downloads of attachments' },
        { name: 'health', description: 'Liveness and readiness, for load balancers' },
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: documentTransform,
    hideUntagged: true,
  });
  // after swagger, so that /metrics is in the document
  await app.register(metricsPlugin, {
    token: config.metricsToken,
    heapEndpoint: config.debugHeapEndpoint,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, (request) => ({
    ...app.swagger(),
    servers: [{ url: `${request.protocol}://${request.host}` }],
  }));

  await app.register(healthRoutes, { checkReady: () => runtime.checkReady() });
  await app.register(restRoutes, {
    prefix: '/api',
    deps: runtime.deps,
    limitAuthAttempt,
    limitUserWrite,
  });
  await app.register(hookRoutes, {
    deps: runtime.deps,
    limitWebhook: createLimiter(
      limitStore,
      'webhook:',
      { ...defaultWebhookRateLimit, ...webhookRateLimit },
      'Too many posts through this webhook',
    ),
  });
  const effectiveWsLimits = { ...defaultWsLimits, ...config.wsRateLimit, ...wsLimits };
  await app.register(wsRoute, { deps: runtime.deps, limits: effectiveWsLimits, stores: runtime });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    useWSS: true,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    trpcOptions: trpcOptions(
      runtime.deps,
      app.log,
      effectiveWsLimits.maxBufferedBytes,
      limitAuthAttempt,
      limitUserWrite,
      (error) => runtime.reportFailure(error),
    ),
  });

  if (webClient) await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
  return app;
}
