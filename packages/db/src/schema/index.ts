export * from './users.js';
export * from './channels.js';
export * from './messages.js';
export * from './integrations.js';
export * from './files.js';
