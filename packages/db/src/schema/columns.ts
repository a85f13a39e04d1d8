import { timestamp, uuid } from 'drizzle-orm/pg-core';

export const id = () => uuid().primaryKey().defaultRandom();

export const createdAt = () =>
  timestamp({ withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow();

export const nullableTimestamp = () =>
  timestamp({ withTimezone: true, mode: 'date', precision: 3 });
