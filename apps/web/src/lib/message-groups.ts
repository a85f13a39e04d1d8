// Which messages start a new block in the list: a new author, a pause, or a new day.
import type { Message } from './api-types';

const pauseMs = 5 * 60_000;

export interface ListedMessage {
  message: Message;
  /** Shows the author and time above it. */
  startsGroup: boolean;
  /** Shows a day divider above it. */
  startsDay: boolean;
}

const dayKey = (iso: string) => new Date(iso).toDateString();

export function groupMessages(messages: readonly Message[]): ListedMessage[] {
  return messages.map((message, index) => {
    const previous = messages[index - 1];
    const startsDay = !previous || dayKey(previous.createdAt) !== dayKey(message.createdAt);
    const startsGroup =
      startsDay ||
      !previous ||
      previous.userId !== message.userId ||
      // a webhook posts as its creator, under its own name: each name is its own author
      previous.username !== message.username ||
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) > pauseMs;
    return { message, startsGroup, startsDay };
  });
}
