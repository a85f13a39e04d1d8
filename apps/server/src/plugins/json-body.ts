// `content-type: application/json` with an empty body counts as no body at all. Fastify answers
// 400 to that by default, which breaks a DELETE or a join from clients that send the header on
// every request (generated SDKs do); routes that need a body still reject the missing one.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function jsonBodyPlugin(app: FastifyInstance) {
  // Fastify's own parser, with its defaults: `__proto__` and `constructor` keys are refused.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}

export default fp(jsonBodyPlugin, { fastify: '5.x', name: 'json-body' });
