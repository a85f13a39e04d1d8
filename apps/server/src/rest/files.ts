// Uploads (multipart, streamed to the file storage) and downloads (a signed URL or a token).
import multipart from '@fastify/multipart';
import {
  AppError,
  authenticateBearer,
  badRequest,
  bearerToken,
  filesService,
  schemas,
} from '@chat/api/server';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../plugins/auth.js';
import type { RestOptions } from './index.js';
import { described, errors } from './openapi.js';

const tags = ['files'];

/** A body busboy could not read (cut short, no boundary…) is the client's fault: 400. */
function malformed(error: unknown): unknown {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (error instanceof AppError || (typeof status === 'number' && status < 500)) return error;
  return badRequest('Malformed multipart/form-data body');
}

/** POST /files, behind `authenticate` (an upload counts as a write). */
export const fileUploadRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  await app.register(multipart, {
    // busboy stops one byte past the limit: the files service sees that byte and answers 413
    limits: { fileSize: deps.files.maxUploadBytes + 1, files: 1, fields: 10, parts: 20 },
    throwFileSizeLimit: false,
  });
  app.post(
    '/files',
    {
      schema: {
        operationId: 'uploadFile',
        summary: 'Upload a file (multipart/form-data, one part `file`) to attach to a message',
        description:
          'Its content type is sniffed from the bytes. Attach it with `attachmentIds` when sending a message.',
        tags,
        consumes: ['multipart/form-data'],
        response: {
          201: described(schemas.fileResult, 'The file, stored; `url` is a signed download URL'),
          ...errors(400, 401, 413, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const part = await request.file().catch((error: unknown) => {
        throw malformed(error);
      });
      if (!part || part.fieldname !== 'file') {
        throw badRequest('Invalid upload', [
          { path: 'file', message: 'send the file as a multipart/form-data part named "file"' },
        ]);
      }
      let partError: unknown;
      part.file.once('error', (error) => (partError = error));
      const file = await filesService
        .uploadFile(deps, actorOf(request), { name: part.filename, body: part.file })
        .catch((error: unknown) => {
          // The rest of a refused body (a 413's megabytes) is not worth reading: the connection
          // closes after the answer.
          void reply.header('connection', 'close');
          // the body's own failure (cut short) is a bad request; the storage's is not
          throw error === partError ? malformed(error) : error;
        });
      return reply.status(201).send({ file });
    },
  );
};

// Shown in the browser (an <img>, a PDF viewer); everything else is saved as a download.
const inlineTypes = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
]);

/** `content-disposition` with the name both as plain ASCII and as UTF-8 (RFC 6266). */
export function contentDisposition(name: string, contentType: string): string {
  const kind = inlineTypes.has(contentType) ? 'inline' : 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** GET /files/:id, with a signed URL or a bearer token (so not behind `authenticate`). */
export const fileDownloadRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { deps }) => {
  app.get(
    '/files/:id',
    {
      schema: {
        operationId: 'downloadFile',
        summary: "A file's bytes",
        description:
          'With the `sig` and `exp` of its signed URL, or a bearer token of its uploader or of a member of the channel it was posted in.',
        tags,
        params: schemas.fileIdParams,
        querystring: schemas.fileDownloadQuery,
        response: {
          200: z.unknown().meta({ description: 'The bytes, with their content type' }),
          ...errors(400, 401, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      const actor = token ? await authenticateBearer(deps, token) : null;
      const { file, body } = await filesService.downloadFile(deps, actor, {
        fileId: request.params.id,
        sig: request.query.sig,
        exp: request.query.exp,
      });
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.size)
        .header('content-disposition', contentDisposition(file.name, file.contentType))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=300')
        .send(body);
    },
  );
};
