// The rows of the virtualized list: messages (grouped), the quiet join/leave lines between
// them, and the "new messages" divider at the read mark the channel was opened with.
import type { Message } from './api-types';
import type { SystemLine } from './channel-activity';
import { groupMessages, type ListedMessage } from './message-groups';

export type Row =
  | ({ kind: 'message'; key: string } & ListedMessage)
  | { kind: 'system'; key: string; line: SystemLine }
  | { kind: 'divider'; key: 'unread-divider' };

/**
 * `readMark`: the seq read when the channel was opened (null: no divider). The divider goes
 * before the first later message someone else wrote.
 */
export function buildRows(
  messages: readonly Message[],
  lines: readonly SystemLine[],
  readMark: number | null,
  myId: string,
): Row[] {
  const rows: Row[] = [];
  let lineIndex = 0;
  const sortedLines = [...lines].sort((a, b) => a.afterSeq - b.afterSeq);
  const linesUpTo = (seq: number) => {
    while (lineIndex < sortedLines.length && (sortedLines[lineIndex]?.afterSeq ?? 0) < seq) {
      const line = sortedLines[lineIndex] as SystemLine;
      rows.push({ kind: 'system', key: line.key, line });
      lineIndex += 1;
    }
  };
  let dividerPlaced = false;
  for (const listed of groupMessages(messages)) {
    const { message } = listed;
    linesUpTo(message.seq);
    if (
      !dividerPlaced &&
      readMark !== null &&
      message.seq > readMark &&
      message.userId !== myId &&
      !message.deleted
    ) {
      rows.push({ kind: 'divider', key: 'unread-divider' });
      dividerPlaced = true;
    }
    rows.push({ kind: 'message', key: `m${message.seq}`, ...listed });
  }
  linesUpTo(Number.POSITIVE_INFINITY);
  return rows;
}

export const dividerIndex = (rows: readonly Row[]) =>
  rows.findIndex((row) => row.kind === 'divider');
