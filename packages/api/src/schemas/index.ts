export * from './common.js';
export * from './auth.js';
export * from './users.js';
export * from './channels.js';
export * from './messages.js';
export * from './realtime.js';
export * from './integrations.js';
export * from './objects.js';
