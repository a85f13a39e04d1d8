// One table from every error to the API.md body `{ error: { code, message, issues? } }`.
import {
  AppError,
  errorStatus,
  fromDatabaseError,
  isUnavailable,
  RateLimitedError,
  type schemas,
  type ErrorCode,
  type ValidationIssue,
} from '@chat/api/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** The body of every error answer; the OpenAPI document and the serializer use its schema. */
export type ErrorBody = z.output<typeof schemas.errorBody>;

export function errorBody(code: ErrorCode, message: string, issues?: ValidationIssue[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}

const codeOfStatus = new Map<number, ErrorCode>(
  Object.entries(errorStatus).map(([code, status]) => [status, code as ErrorCode]),
);

/** The status and body a client gets for an error; 500 only for what no client can cause. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  const domainError = error instanceof AppError ? error : fromDatabaseError(error);
  if (domainError) {
    return {
      status: errorStatus[domainError.code],
      body: errorBody(domainError.code, domainError.message, domainError.issues),
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const issues = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      message: issue.message ?? 'is invalid',
    }));
    return { status: 400, body: errorBody('BAD_REQUEST', `Invalid ${where}`, issues) };
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', 'The request body is too large') };
  }
  if (isUnavailable(error)) {
    return {
      status: 503,
      body: errorBody('SERVICE_UNAVAILABLE', 'A backing service is unavailable; try again shortly'),
    };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    // Fastify's own 4xx (malformed JSON, bad content type, rate limits…) keep their meaning.
    const code = codeOfStatus.get(status) ?? 'BAD_REQUEST';
    return { status: errorStatus[code], body: errorBody(code, fastifyError.message ?? code) };
  }
  return {
    status: 500,
    body: errorBody('INTERNAL_SERVER_ERROR', 'Something went wrong on our side'),
  };
}

export interface ErrorsOptions {
  /**
   * Answers a request that no route matched before the 404 body does (the web client's
   * index.html); returns undefined to leave it a 404. Fastify takes one not-found handler
   * per prefix, so anything else that wants one must come through here.
   */
  notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
  /** Told of every error answered with 503, so the circuit breakers notice a store that went. */
  onUnavailable?: (error: unknown) => void;
}

async function errorsPlugin(
  app: FastifyInstance,
  { notFoundFallback, onUnavailable }: ErrorsOptions,
) {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error);
    if (status === 503) {
      // an outage, not a bug: one line per request, without a stack trace
      request.log.warn({ code: body.error.code, reason: describe(error) }, 'store unavailable');
      onUnavailable?.(error);
    } else if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof RateLimitedError)
      void reply.header('retry-after', error.retryAfterSeconds);
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      notFoundFallback?.(request, reply) ??
      reply
        .status(404)
        .send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** The short reason of an error, for a log line. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

export default fp(errorsPlugin, { fastify: '5.x', name: 'errors' });
