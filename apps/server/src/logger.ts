// The process's one logger: pino's JSON lines on stdout. Fastify logs through the same instance,
// and so do the runtime's Redis backends; nothing else in the server writes to the console.
import { pino, type Logger } from 'pino';
import type { Config } from './env.js';

export type { Logger };

export const createLogger = (level: Config['logLevel'] = 'info'): Logger => pino({ level });
