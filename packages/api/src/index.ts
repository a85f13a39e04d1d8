// What the web client may import: types only.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root.js';

export type { AppRouter } from './root.js';
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type * from './services/views.js';
export type { ChatEvent } from './realtime/events.js';
