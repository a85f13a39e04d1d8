// Uploads and downloads. Bytes stream from the request into the file storage (never held
// whole), counted on the way: past the limit the upload fails and nothing stays behind.
import { randomUUID } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { schema } from '@chat/db';
import { and, eq, isNull } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import { AppError, notFound, unauthorized } from '../errors.js';
import type { FileStorage } from '../storage/file-storage.js';
import { toAttachment, type FileRow } from './attachments.js';
import type { Actor, ServiceDeps } from './deps.js';
import { verifyFileSignature, type FileUrlConfig } from './file-urls.js';
import type { Attachment } from './views.js';

const { channelMembers, files, messages } = schema;

export interface FilesConfig {
  storage: FileStorage;
  /** The largest upload accepted, in bytes (MAX_UPLOAD_BYTES; 10 MiB by default). */
  maxUploadBytes: number;
  urls: FileUrlConfig;
}

export const defaultMaxUploadBytes = 10 * 1024 * 1024;

export const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);

// file-type recognises most formats within their first 4100 bytes
const sniffBytes = 4100;

/** Counts what flows through, keeps its first bytes, and fails once it passes the limit. */
class UploadMeter extends Transform {
  size = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks).subarray(0, sniffBytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return done(tooLarge(this.maxBytes));
    if (this.headLength < sniffBytes) {
      this.headChunks.push(chunk);
      this.headLength += chunk.length;
    }
    done(null, chunk);
  }
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** What the bytes are (never what the client claimed): a known format, plain text, or opaque. */
export async function sniffContentType(head: Buffer): Promise<string> {
  const known = await fileTypeFromBuffer(head);
  if (known) return known.mime;
  if (head.length > 0 && !head.includes(0)) {
    try {
      // a cut in the middle of a character at the sample's end is still text
      textDecoder.decode(head.subarray(0, Math.max(0, head.length - 3)));
      return 'text/plain; charset=utf-8';
    } catch {
      // not UTF-8
    }
  }
  return 'application/octet-stream';
}

/** A file name as the client gave it, made safe to store and to send in a header. */
export function cleanFileName(given: string | undefined): string {
  const base = (given ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/[\uD800-\uDFFF]/gu, '\uFFFD') // lone surrogates (the u flag matches only those)
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return [...clean].slice(0, 255).join('') || 'file';
}

export interface UploadInput {
  /** The name the client gave (a path is cut to its last part). */
  name: string | undefined;
  body: Readable;
}

/** Stores an upload of the actor's; it can then be attached to one message they send. */
export async function uploadFile(
  deps: ServiceDeps,
  actor: Actor,
  input: UploadInput,
): Promise<Attachment> {
  const { storage, maxUploadBytes, urls } = deps.files;
  const id = randomUUID();
  const meter = new UploadMeter(maxUploadBytes);
  // Either failing (the body, or the meter past the limit) fails the stream the storage reads,
  // so it cleans up; the error is the storage's answer.
  await storage.put(
    id,
    pipeline(input.body, meter, () => {}),
  );
  try {
    const [row] = await deps.db
      .insert(files)
      .values({
        id,
        uploaderId: actor.userId,
        name: cleanFileName(input.name),
        size: meter.size,
        contentType: await sniffContentType(meter.head),
        storageKey: id,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return toAttachment(urls, row);
  } catch (error) {
    await storage.delete(id).catch(() => {});
    throw error;
  }
}

export interface DownloadInput {
  fileId: string;
  /** The URL's `sig` and `exp`, when it has them. */
  sig?: string | undefined;
  exp?: string | undefined;
}

export interface Download {
  file: FileRow;
  body: Readable;
}

/**
 * A file's bytes, for a valid signed URL, or for its uploader or a member of the channel it
 * was posted in; NOT_FOUND for anyone else (a private channel's files do not exist for them).
 */
export async function downloadFile(
  deps: ServiceDeps,
  actor: Actor | null,
  input: DownloadInput,
): Promise<Download> {
  const signed =
    input.sig !== undefined &&
    input.exp !== undefined &&
    verifyFileSignature(deps.files.urls, input.fileId, input.sig, input.exp);
  if (!signed && !actor) throw unauthorized('The link has expired or is invalid; sign in');
  const file = signed
    ? await findFile(deps, input.fileId)
    : await readableFile(deps, actor as Actor, input.fileId);
  if (!file) throw notFound('File');
  const body = await deps.files.storage.get(file.storageKey);
  if (!body) throw notFound('File');
  return { file, body };
}

async function findFile(deps: ServiceDeps, fileId: string): Promise<FileRow | undefined> {
  const [row] = await deps.db.select().from(files).where(eq(files.id, fileId));
  return row;
}

/** The file if the actor uploaded it, or is a member where it was posted (and still shown). */
async function readableFile(
  deps: ServiceDeps,
  actor: Actor,
  fileId: string,
): Promise<FileRow | undefined> {
  const file = await findFile(deps, fileId);
  if (!file) return undefined;
  if (file.uploaderId === actor.userId) return file;
  if (!file.messageId) return undefined;
  const [member] = await deps.db
    .select({ userId: channelMembers.userId })
    .from(messages)
    .innerJoin(
      channelMembers,
      and(
        eq(channelMembers.channelId, messages.channelId),
        eq(channelMembers.userId, actor.userId),
      ),
    )
    .where(and(eq(messages.id, file.messageId), isNull(messages.deletedAt)));
  return member ? file : undefined;
}
