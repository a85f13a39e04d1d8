// How often one incoming webhook may post (Slack allows about one a second, in short bursts).
import type { Limit } from './rate-limit.js';

export const defaultWebhookRateLimit: Limit = { points: 20, durationSeconds: 20 };
