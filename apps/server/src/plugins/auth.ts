// `request.actor` for routes that need a signed-in user: verified once, in an onRequest hook.
import {
  authenticateBearer,
  bearerToken,
  unauthorized,
  type Actor,
  type ServiceDeps,
} from '@chat/api/server';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** An access token (JWT) or a personal access token, as `Authorization: Bearer`. */
export function authenticate(deps: ServiceDeps) {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized('Missing bearer token');
    request.actor = await authenticateBearer(deps, token);
  };
}

/** The actor of a route behind `authenticate`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
