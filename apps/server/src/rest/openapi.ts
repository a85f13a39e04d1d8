// The parts of a route's schema that every HTTP operation shares: its error responses (API.md's
// error body on each status it can answer, 429 with `retry-after`), its success response with
// a description, and who may call it. Fastify serializes replies with these same zod schemas.
import { schemas } from '@chat/api/server';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';

const errorDescriptions = {
  400: 'BAD_REQUEST: malformed JSON or failed validation (with `issues`)',
  401: 'UNAUTHORIZED: missing, malformed or expired token, or wrong credentials',
  403: 'FORBIDDEN: signed in but not allowed',
  404: 'NOT_FOUND: no such thing, or a private channel the caller is not a member of',
  409: 'CONFLICT: the username or email is already taken',
  413: 'PAYLOAD_TOO_LARGE: the body is over 64 KiB',
  429: 'TOO_MANY_REQUESTS: a rate limit was hit; try again after `retry-after` seconds',
  503: 'SERVICE_UNAVAILABLE: a backing store is down; nothing was written',
} as const;

export type ErrorStatus = keyof typeof errorDescriptions;

const retryAfter = {
  'retry-after': {
    type: 'integer',
    minimum: 1,
    description: 'Seconds until the limit lets the request through',
  },
};

const errorResponse = (status: ErrorStatus) =>
  schemas.errorBody.meta({
    description: errorDescriptions[status],
    // read by @fastify/swagger as the response's headers
    ...(status === 429 ? { headers: retryAfter } : {}),
  });

type ErrorResponses<S extends ErrorStatus> = { [K in S]: typeof schemas.errorBody };

/** The error responses of an operation: `...errors(400, 401, 404)`. */
export function errors<const S extends ErrorStatus[]>(...statuses: S): ErrorResponses<S[number]> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(status)])) as never;
}

/** A success response: its body's schema, described. */
export const described = <T extends z.ZodType>(schema: T, description: string): T =>
  schema.meta({ description });

/** `204`, with no body (the document shows it as `null`, which has no content). */
export const noContent = z.undefined().meta({ description: 'Done; no body' });

type DocumentTransform = typeof jsonSchemaTransformObject;

/**
 * The document with User, Channel, Message… (zod schemas with an id) as components that the
 * operations refer to; only those some operation uses (the zod provider lists an input and an
 * output version of each).
 */
export const documentTransform: DocumentTransform = (input) => {
  // always an OpenAPI document here (not Swagger 2's): the app registers swagger with `openapi`
  const document = jsonSchemaTransformObject(input) as OpenAPIV3_1.Document;
  const components = { ...document.components?.schemas };
  for (let removed = true; removed;) {
    removed = false;
    const used = JSON.stringify({ ...document, components: { schemas: components } });
    for (const name of Object.keys(components)) {
      if (!used.includes(`"#/components/schemas/${name}"`)) {
        delete components[name];
        removed = true;
      }
    }
  }
  return { ...document, components: { ...document.components, schemas: components } };
};

/** The operation needs no token (the document's default is the bearer token). */
export const publicRoute = { security: [] };
