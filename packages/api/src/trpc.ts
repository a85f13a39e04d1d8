import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import {
  AppError,
  fromDatabaseError,
  isUnavailable,
  RateLimitedError,
  toValidationIssues,
} from './errors.js';
import type { Actor, ServiceDeps } from './services/deps.js';
import type { Message } from './services/views.js';

export interface Context {
  deps: ServiceDeps;
  /** null when the request carries no valid access token */
  actor: Actor | null;
  /**
   * Counts an attempt to sign in or register (per address, and per account name when given);
   * throws TOO_MANY_REQUESTS past the limits. Set by the server.
   */
  limitAuthAttempt?: (name: string | undefined) => Promise<void>;
  /** Counts one mutation of a signed-in user; throws TOO_MANY_REQUESTS past the limit. */
  limitWrite?: (userId: string) => Promise<void>;
  /** Over a WebSocket: the connection that subscriptions send on. */
  connection?: SubscriberConnection;
}

export interface SubscriberConnection {
  /**
   * True (and the connection is dropped) when the client stopped reading and its send buffer is
   * full: the client's link reconnects and resumes from its last event, and the server's memory
   * stays bounded.
   */
  cutOffIfBehind(): boolean;
  /** Called for each message a subscription sends on this connection (for metrics). */
  delivered?(message: Message): void;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const issues =
      cause instanceof ZodError
        ? toValidationIssues(cause.issues)
        : cause instanceof AppError
          ? cause.issues
          : undefined;
    // No stack traces leave the server; validation failures read as one sentence plus issues;
    // the text of an unexpected error (SQL, hosts, driver internals) stays in the server's log.
    const { stack: _stack, ...data } = shape.data;
    const message =
      cause instanceof ZodError
        ? 'Invalid input'
        : error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof AppError)
          ? 'Something went wrong on our side'
          : shape.message;
    // what REST sends as the `retry-after` header (the HTTP adapter sends that header too)
    const retryAfterSeconds =
      cause instanceof RateLimitedError ? cause.retryAfterSeconds : undefined;
    return { ...shape, message, data: { ...data, issues, retryAfterSeconds } };
  },
});

/**
 * The TRPCError a transport-free failure stands for: a domain error keeps its code, a store
 * that cannot be reached is SERVICE_UNAVAILABLE (as on REST); anything else is not mapped.
 */
export function toTRPCError(cause: unknown): TRPCError | undefined {
  const domainError = cause instanceof AppError ? cause : fromDatabaseError(cause);
  if (domainError)
    return new TRPCError({
      code: domainError.code,
      message: domainError.message,
      cause: domainError,
    });
  if (isUnavailable(cause)) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'A backing service is unavailable; try again shortly',
      cause,
    });
  }
  return undefined;
}

/** Services throw plain errors, which tRPC wraps as INTERNAL_SERVER_ERROR: give them their code. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok || result.error.code !== 'INTERNAL_SERVER_ERROR') return result;
  const mapped = toTRPCError(result.error.cause);
  if (mapped) throw mapped;
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapDomainErrors);

/** Sign-in, registration and refresh: rate limited like the REST auth routes. */
export const authAttemptProcedure = publicProcedure.use(async ({ ctx, getRawInput, next }) => {
  const input = (await getRawInput()) as { username?: unknown; email?: unknown } | undefined;
  const name = input?.username ?? input?.email;
  await ctx.limitAuthAttempt?.(typeof name === 'string' ? name : undefined);
  return next();
});

export const protectedProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Not authenticated' });
  if (type === 'mutation') await ctx.limitWrite?.(ctx.actor.userId);
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});
