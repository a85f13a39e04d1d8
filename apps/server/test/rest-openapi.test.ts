// The OpenAPI 3.1 document of the REST shim, and Swagger UI to read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testDatabaseKinds, type TestApp } from './helpers.js';

/** Every route of API.md that the server has today, in OpenAPI's path syntax. */
const documentedRoutes = [
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'GET /api/auth/me',
  'PATCH /api/auth/me',
  'GET /api/users',
  'GET /api/users/{id}',
  'GET /api/channels',
  'POST /api/channels',
  'GET /api/channels/{id}',
  'POST /api/channels/{id}/members',
  'DELETE /api/channels/{id}/members/{userId}',
  'GET /api/channels/{id}/members',
  'GET /api/channels/{id}/messages',
  'POST /api/channels/{id}/messages',
  'POST /api/channels/{id}/read',
  'PATCH /api/messages/{id}',
  'DELETE /api/messages/{id}',
  'POST /api/dms',
  'POST /api/auth/tokens',
  'GET /api/auth/tokens',
  'DELETE /api/auth/tokens/{id}',
  'POST /api/channels/{id}/webhooks',
  'GET /api/channels/{id}/webhooks',
  'DELETE /api/webhooks/{id}',
  'POST /hooks/{secret}',
  'GET /metrics',
  'GET /healthz',
  'GET /readyz',
];

/** The routes API.md lets anyone call without a token. */
const publicRoutes = [
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /hooks/{secret}',
  'GET /healthz',
  'GET /readyz',
];

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: unknown;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  security?: Record<string, string[]>[];
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
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
    ).toEqual(['after', 'before', 'limit']);
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
