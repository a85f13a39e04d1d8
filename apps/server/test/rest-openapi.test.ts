// The OpenAPI 3.1 document of the REST shim, and Swagger UI to read it.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, messageKeys, testDatabaseKinds, type TestApp } from './helpers.js';

/**
 * Every route of API.md that the server has today, in OpenAPI's path syntax, with every status
 * it answers: its success first, then each error it can return.
 */
const routeStatuses: Record<string, number[]> = {
  'POST /api/auth/register': [201, 400, 409, 413, 429, 503],
  'POST /api/auth/login': [200, 400, 401, 413, 429, 503],
  'POST /api/auth/refresh': [200, 400, 401, 413, 429, 503],
  'POST /api/auth/logout': [204, 400, 401, 413, 429, 503],
  'GET /api/auth/me': [200, 401, 404, 503],
  'PATCH /api/auth/me': [200, 400, 401, 404, 413, 429, 503],
  'GET /api/users': [200, 400, 401, 503],
  'GET /api/users/{id}': [200, 400, 401, 404, 503],
  'GET /api/channels': [200, 400, 401, 503],
  'POST /api/channels': [201, 400, 401, 404, 413, 429, 503],
  'GET /api/channels/{id}': [200, 400, 401, 404, 503],
  'POST /api/channels/{id}/members': [200, 400, 401, 403, 404, 413, 429, 503],
  'DELETE /api/channels/{id}/members/{userId}': [204, 400, 401, 403, 404, 429, 503],
  'GET /api/channels/{id}/members': [200, 400, 401, 404, 503],
  'GET /api/channels/{id}/messages': [200, 400, 401, 404, 503],
  'POST /api/channels/{id}/messages': [201, 200, 400, 401, 403, 404, 413, 429, 503],
  'POST /api/channels/{id}/read': [200, 400, 401, 403, 404, 413, 429, 503],
  'PUT /api/channels/{id}/mute': [204, 400, 401, 403, 404, 429, 503],
  'DELETE /api/channels/{id}/mute': [204, 400, 401, 403, 404, 429, 503],
  'PATCH /api/messages/{id}': [200, 400, 401, 403, 404, 413, 429, 503],
  'DELETE /api/messages/{id}': [204, 400, 401, 403, 404, 429, 503],
  'PATCH /api/channels/{id}': [200, 400, 401, 403, 404, 413, 429, 503],
  'GET /api/channels/{id}/pins': [200, 400, 401, 404, 503],
  'PUT /api/messages/{id}/pin': [200, 400, 401, 403, 404, 429, 503],
  'DELETE /api/messages/{id}/pin': [200, 400, 401, 403, 404, 429, 503],
  'PUT /api/messages/{id}/reactions/{emoji}': [200, 400, 401, 403, 404, 429, 503],
  'DELETE /api/messages/{id}/reactions/{emoji}': [200, 400, 401, 403, 404, 429, 503],
  'POST /api/dms': [200, 400, 401, 404, 413, 429, 503],
  'POST /api/auth/tokens': [201, 400, 401, 413, 429, 503],
  'GET /api/auth/tokens': [200, 401, 503],
  'DELETE /api/auth/tokens/{id}': [204, 400, 401, 404, 429, 503],
  'POST /api/channels/{id}/webhooks': [201, 400, 401, 403, 404, 413, 429, 503],
  'GET /api/channels/{id}/webhooks': [200, 400, 401, 403, 404, 503],
  'DELETE /api/webhooks/{id}': [204, 400, 401, 403, 404, 429, 503],
  'POST /api/files': [201, 400, 401, 413, 429, 503],
  'GET /api/files/{id}': [200, 400, 401, 404, 503],
  'GET /api/search': [200, 400, 401, 404, 503],
  'POST /hooks/{secret}': [200, 400, 403, 404, 413, 429, 503],
  'GET /metrics': [200, 401],
  'GET /healthz': [200],
  'GET /readyz': [200, 503],
};
const documentedRoutes = Object.keys(routeStatuses);

/** The routes API.md lets anyone call without a token. */
const publicRoutes = [
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /hooks/{secret}',
  'GET /healthz',
  'GET /readyz',
];

/** The contract: docs/API.md in the repository, or the binding copy beside it. */
const contractFile = ['../../../docs/API.md', '../../../../shared/API.md']
  .map((path) => fileURLToPath(new URL(path, import.meta.url)))
  .find((path) => existsSync(path));

/** Each `METHOD /path` of the contract's route tables, with the 2xx statuses its row names. */
function contractRoutes(markdown: string): { method: string; path: string; success: string[] }[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const cells = line.split(' | ');
      const success = [...(cells.at(-1) ?? '').matchAll(/\b(20[014])\b/g)].map((m) => m[1] ?? '');
      return [...(cells[0] ?? '').matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)].map(
        (m) => ({ method: m[1] ?? '', path: m[2] ?? '', success }),
      );
    });
}

/** Served beside the document rather than described by it. */
const notInDocument = new Set(['/api/openapi.json', '/api/docs']);

interface Response {
  description: string;
  headers?: Record<string, { schema: { type: string } }>;
  content?: Record<string, { schema: { $ref?: string } }>;
}

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: unknown;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  security?: Record<string, string[]>[];
  servers?: { url: string }[];
  components?: {
    securitySchemes?: Record<string, { type: string; scheme?: string }>;
    schemas?: Record<string, unknown>;
  };
  paths: Record<string, Record<string, Operation>>;
}

describe.each(testDatabaseKinds())('REST OpenAPI document on %s', (kind) => {
  let t: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDocument>();
  });
  afterAll(() => t.close());

  const operation = (route: string): Operation | undefined => {
    const [method = '', path = ''] = route.split(' ');
    return doc.paths[path]?.[method.toLowerCase()];
  };

  it('serves an OpenAPI 3.1 document as JSON, without a token', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
  });

  it('documents every REST route of API.md that exists', () => {
    const present = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(present.sort()).toEqual(expect.arrayContaining(documentedRoutes.slice().sort()));
    for (const route of documentedRoutes) expect(operation(route), route).toBeDefined();
  });

  it('names each operation, and gives it a summary and a tag', () => {
    const ids = documentedRoutes.map((route) => operation(route)?.operationId);
    for (const [i, route] of documentedRoutes.entries()) {
      expect(ids[i], route).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation(route)?.summary, route).toBeTruthy();
      expect(operation(route)?.tags?.length, route).toBe(1);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists every status each operation answers, each with a description', () => {
    for (const [route, statuses] of Object.entries(routeStatuses)) {
      const responses = operation(route)?.responses ?? {};
      expect(Object.keys(responses).map(Number).sort(), route).toEqual(statuses.slice().sort());
      for (const [status, response] of Object.entries(responses)) {
        expect(response.description, `${route} ${status}`).not.toBe('Default Response');
        expect(response.description.length, `${route} ${status}`).toBeGreaterThan(3);
      }
    }
  });

  it('gives every error the contract error body, and 429 its retry-after header', () => {
    for (const route of documentedRoutes) {
      for (const [status, response] of Object.entries(operation(route)?.responses ?? {})) {
        if (Number(status) < 400) continue;
        expect(response.content?.['application/json']?.schema.$ref, `${route} ${status}`).toBe(
          '#/components/schemas/Error',
        );
        if (status === '429')
          expect(response.headers?.['retry-after']?.schema.type, route).toBe('integer');
      }
    }
    expect(doc.components?.schemas?.Error).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message'] } },
    });
  });

  it('describes the success bodies with the API objects, and 204 with none', () => {
    const success = (route: string, status: number) =>
      JSON.stringify(operation(route)?.responses[status]?.content ?? null);
    expect(success('POST /api/auth/register', 201)).toContain('#/components/schemas/Session');
    expect(success('GET /api/users', 200)).toContain('#/components/schemas/UserPage');
    expect(success('GET /api/channels/{id}', 200)).toContain('#/components/schemas/Channel');
    expect(success('GET /api/channels/{id}/messages', 200)).toContain(
      '#/components/schemas/MessageHistory',
    );
    expect(success('POST /api/channels/{id}/messages', 201)).toContain(
      '#/components/schemas/Message',
    );
    expect(success('DELETE /api/messages/{id}', 204)).toBe('null');
    const message = doc.components?.schemas?.Message as { required: string[] };
    expect(message.required.slice().sort()).toEqual(messageKeys);
  });

  it('names the server it was served by', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { host: 'chat.example.test:8080' },
    });
    expect(response.json<OpenApiDocument>().servers).toEqual([
      { url: 'http://chat.example.test:8080' },
    ]);
  });

  it.skipIf(!contractFile)(
    'documents every route of the contract that the server has, with a success status it names',
    () => {
      const routes = contractRoutes(readFileSync(contractFile ?? '', 'utf8'));
      expect(routes.length).toBeGreaterThan(20);
      const served = routes.filter(
        (route) =>
          !notInDocument.has(route.path) &&
          t.app.hasRoute({ method: route.method, url: route.path }),
      );
      // API.md names GET /metrics in prose, not in a table of routes
      const tabled = documentedRoutes.filter((route) => route !== 'GET /metrics');
      expect(served.length).toBeGreaterThanOrEqual(tabled.length);
      for (const route of served) {
        const name = `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`;
        const responses = Object.keys(operation(name)?.responses ?? {});
        expect(responses, name).toEqual(expect.arrayContaining([expect.any(String)]));
        expect(
          route.success.some((status) => responses.includes(status)),
          `${name} answers ${route.success.join(' or ')}; documented: ${responses.join(', ')}`,
        ).toBe(true);
        if (!publicRoutes.includes(name)) expect(responses, name).toContain('401');
      }
    },
  );

  it('does not list the document, Swagger UI or the internal transports as API routes', () => {
    const paths = Object.keys(doc.paths);
    expect(paths.filter((p) => p.startsWith('/api/docs') || p === '/api/openapi.json')).toEqual([]);
    expect(paths.filter((p) => p.startsWith('/trpc') || p === '/ws')).toEqual([]);
  });

  it('declares bearer auth, and no auth on the routes anyone may call', () => {
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const route of documentedRoutes) {
      const security = operation(route)?.security ?? doc.security;
      if (publicRoutes.includes(route)) expect(security, route).toEqual([]);
      else expect(security, route).toEqual([{ bearer: [] }]);
    }
  });

  it('describes path parameters and request bodies', () => {
    const member = operation('DELETE /api/channels/{id}/members/{userId}');
    expect(
      member?.parameters
        ?.filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['id', 'userId']);
    expect(operation('POST /api/channels/{id}/messages')?.requestBody).toBeDefined();
    const history = operation('GET /api/channels/{id}/messages');
    expect(
      history?.parameters
        ?.filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['after', 'before', 'limit', 'topLevel']);
  });

  it('serves Swagger UI at /api/docs, without a token', async () => {
    let response = await t.app.inject({ method: 'GET', url: '/api/docs' });
    if (response.statusCode >= 300 && response.statusCode < 400) {
      const location = response.headers.location;
      expect(typeof location).toBe('string');
      response = await t.app.inject({
        method: 'GET',
        url: new URL(String(location), 'http://localhost/api/docs').pathname,
      });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('Swagger UI');
  });

  it('points Swagger UI at a document it can load', async () => {
    const config = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(config.statusCode).toBe(200);
    expect(config.json<{ openapi: string }>().openapi).toMatch(/^3\.1\./);
  });
});
