export * from './client.js';
export * from './migrate.js';
export * from './errors.js';
export * from './pooler.js';
export { DataDirLockedError } from './data-dir-lock.js';
export * as schema from './schema/index.js';
