// What one /ws socket is about to be sent, gathered over a turn of the event loop and written
// in one go: its frames (each still a WebSocket message of its own) leave in one system call per
// 64 KiB instead of one per frame. One setImmediate per turn serves every socket; nothing is
// scheduled per frame.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Frame } from './frames.js';

/** Written without waiting for the kernel in between: one writev. */
const writeChunkBytes = 64 * 1024;
const asText = { binary: false } as const;

let due: Outbox[] = [];

function flushDue() {
  const outboxes = due;
  due = [];
  for (const outbox of outboxes) outbox.flush();
}

export class Outbox {
  private frames: Frame[] | null = null;
  /** Bytes in `frames` (characters for text: near enough for pacing). */
  private bytes = 0;

  constructor(
    private readonly socket: WebSocket,
    /** The connection under the WebSocket, corked while a batch is written. */
    private readonly tcp: Socket,
    /** Bytes the kernel may leave unsent before the peer counts as a slow consumer. */
    private readonly maxBufferedBytes: number,
    private readonly onSlowConsumer: (buffered: number) => void,
  ) {}

  push(frame: Frame) {
    if (this.frames === null) {
      this.frames = [];
      if (due.length === 0) setImmediate(flushDue);
      due.push(this);
    }
    this.frames.push(frame);
    this.bytes += frame.length;
  }

  /** What the peer has yet to take: queued here and unsent in the kernel's view. */
  get pendingBytes() {
    return this.bytes + this.socket.bufferedAmount;
  }

  flush() {
    const frames = this.frames;
    this.frames = null;
    this.bytes = 0;
    if (!frames || this.socket.readyState !== this.socket.OPEN) return;
    let corked = 0;
    this.tcp.cork();
    try {
      for (const frame of frames) {
        // Before each chunk, what earlier writes left unsent: a client that stopped reading is
        // cut off rather than let the server's memory grow; it reconnects and resumes from its
        // cursors.
        if (corked === 0 && this.socket.bufferedAmount > this.maxBufferedBytes) {
          this.onSlowConsumer(this.socket.bufferedAmount);
          this.socket.terminate();
          return;
        }
        this.socket.send(frame, asText);
        corked += frame.length;
        if (corked >= writeChunkBytes) {
          this.tcp.uncork();
          this.tcp.cork();
          corked = 0;
        }
      }
    } finally {
      this.tcp.uncork();
    }
  }
}
