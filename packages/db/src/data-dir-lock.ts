// Two PGlite instances writing one data folder corrupt it; a lock file with the owner's pid
// lets a second server refuse to start, and lets a server that was killed be replaced.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data folder ${dir} is in use by another process (pid ${pid}). ` +
        'Stop that server, or give this one another DATA_DIR.',
    );
    this.name = 'DataDirLockedError';
  }
}

// Locks this process holds: a lock file naming our own pid is only ours if it is in here
// (a container restarts with the same pid and finds the file its predecessor left).
const heldByThisProcess = new Set<string>();

export function acquireDataDirLock(dir: string): () => void {
  const file = resolve(dir, 'server.lock');
  if (heldByThisProcess.has(file)) throw new DataDirLockedError(dir, process.pid);
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldByThisProcess.add(file);
      return () => {
        heldByThisProcess.delete(file);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner))
        throw new DataDirLockedError(dir, owner);
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
