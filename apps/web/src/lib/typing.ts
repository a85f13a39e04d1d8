// Typing indicators: how often to tell the server, and how to say who is typing.
import type { Typist } from './api-types';

/** True at most once per `windowMs` (the server drops repeats within 2 s anyway). */
export function createThrottle(windowMs: number, now: () => number = Date.now) {
  let last = -Infinity;
  return {
    take(): boolean {
      const time = now();
      if (time - last < windowMs) return false;
      last = time;
      return true;
    },
    reset() {
      last = -Infinity;
    },
  };
}

/** "ann is typing…", "ann and bob are typing…", "ann, bob and 2 others are typing…". */
export function describeTypists(typists: readonly Typist[]): string {
  const names = typists.map((typist) => typist.username);
  const [first, second, third] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (third === undefined) return `${first} and ${second} are typing…`;
  if (names.length === 3) return `${first}, ${second} and ${third} are typing…`;
  return `${first}, ${second} and ${names.length - 2} others are typing…`;
}
