// Bytes no file can reach any more leave the storage: a deleted message's attachments at once,
// and, in a periodic sweep, uploads never attached within the grace period and bytes whose row
// is gone (a channel or an account deleted in the database takes its files' rows along by
// cascade, never the bytes). Every step is safe to run on several instances at once: a row is
// deleted by one statement (whoever deletes it removes its bytes) and removing bytes twice is
// harmless.
import { schema, type Queryable } from '@chat/db';
import { and, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { FileStorage } from '../storage/file-storage.js';
import type { ServiceDeps } from './deps.js';

const { files, messages } = schema;

/** How long an upload may wait for its message, and how old orphaned bytes must be to go. */
export const uploadGraceMs = 24 * 60 * 60 * 1000;

/** Deletes the file rows of these messages (in the caller's transaction): their storage keys. */
export async function detachFilesOf(q: Queryable, messageIds: readonly string[]) {
  if (messageIds.length === 0) return [];
  const removed = await q
    .delete(files)
    .where(inArray(files.messageId, [...messageIds]))
    .returning({ storageKey: files.storageKey });
  return removed.map((row) => row.storageKey);
}

/**
 * Removes the bytes of rows already deleted. A failure leaves them to the sweep (no row names
 * them any more), so it is reported and not thrown.
 */
export async function removeBytes(
  storage: FileStorage,
  keys: readonly string[],
  onError: (error: unknown) => void = () => {},
): Promise<number> {
  let removed = 0;
  for (const key of keys) {
    await storage.delete(key).then(
      () => removed++,
      (error: unknown) => onError(error),
    );
  }
  return removed;
}

export interface SweepOptions {
  /** The time to sweep as of (tests move it forward). */
  now?: Date;
  graceMs?: number;
  onError?: (error: unknown) => void;
}

export interface SweepResult {
  /** Uploads never attached, or attached to a message deleted since, rows and bytes. */
  unreachable: number;
  /** Bytes no row names. */
  orphaned: number;
}

const orphanBatch = 500;

export async function sweepFiles(
  deps: Pick<ServiceDeps, 'db' | 'files'>,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const cutoff = new Date(
    (options.now ?? new Date()).getTime() - (options.graceMs ?? uploadGraceMs),
  );
  const { storage } = deps.files;
  // An attach (`claimAttachments`) and this delete both lock the row: whichever is second finds
  // it changed, and a send that loses gets its 400 for a file no longer there.
  const unreachable = await deps.db
    .delete(files)
    .where(
      or(
        and(isNull(files.messageId), lt(files.createdAt, cutoff)),
        inArray(
          files.messageId,
          deps.db.select({ id: messages.id }).from(messages).where(isNotNull(messages.deletedAt)),
        ),
      ),
    )
    .returning({ storageKey: files.storageKey });
  await removeBytes(
    storage,
    unreachable.map((row) => row.storageKey),
    options.onError,
  );

  // Bytes are written before their row, so only bytes older than the grace period count as
  // orphaned: an upload in progress is never taken for one.
  let orphaned = 0;
  let batch: string[] = [];
  const sweepBatch = async () => {
    const named = await deps.db
      .select({ storageKey: files.storageKey })
      .from(files)
      .where(inArray(files.storageKey, batch));
    const kept = new Set(named.map((row) => row.storageKey));
    orphaned += await removeBytes(
      storage,
      batch.filter((key) => !kept.has(key)),
      options.onError,
    );
    batch = [];
  };
  for await (const { key, storedAt } of storage.list()) {
    if (storedAt >= cutoff) continue;
    batch.push(key);
    if (batch.length >= orphanBatch) await sweepBatch();
  }
  if (batch.length > 0) await sweepBatch();
  return { unreachable: unreachable.length, orphaned };
}

/** Sweeps every `intervalMs` (the first time after one interval) until stopped. */
export function startFileSweep(
  deps: Pick<ServiceDeps, 'db' | 'files'>,
  options: { intervalMs: number; onError: (error: unknown) => void },
): { stop(): void } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() =>
      sweepFiles(deps, { onError: options.onError }).catch(options.onError),
    );
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
