// What one /ws socket is about to be sent, gathered over a turn of the event loop and written
// in one go: its frames (each still a WebSocket message of its own) leave in one system call per
// 64 KiB instead of one per frame. One setImmediate serves every socket; nothing is scheduled per
// frame. A turn writes for a few milliseconds at most, then lets the event loop read what came
// meanwhile (a commit's round trip, a client's frames) before it writes on: the fan-out of one
// batch of messages to thousands of sockets does not hold the next batch's commit back.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Frame } from './frames.js';

/** Written without waiting for the kernel in between: one writev. */
const writeChunkBytes = 64 * 1024;
const asText = { binary: false } as const;
/** How long one turn of the event loop writes before it yields to I/O. */
const writeSliceMs = 2;
/**
 * Sockets written between two looks at the clock, so at least this many a turn: on a starved
 * core a slice of wall time holds little work, and each turn has its cost.
 */
const socketsPerClockRead = 64;

/** Sockets with frames to write, in the order they got their first; `next` is the one up. */
let due: Outbox[] = [];
let next = 0;
let scheduled = false;

function schedule() {
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushDue);
}

function flushDue() {
  scheduled = false;
  const until = performance.now() + writeSliceMs;
  let written = 0;
  while (next < due.length) {
    (due[next++] as Outbox).flush();
    if (++written % socketsPerClockRead === 0 && performance.now() >= until) break;
  }
  if (next < due.length) {
    // the rest (and any socket that got frames meanwhile) after the event loop's I/O
    schedule();
    if (next >= 4096) {
      due = due.slice(next);
      next = 0;
    }
  } else {
    due = [];
    next = 0;
  }
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
      due.push(this);
      schedule();
    }
    this.frames.push(frame);
    this.bytes += frame.length;
  }

  /** Frames waiting here for their turn to be written. */
  get queuedFrames() {
    return this.frames?.length ?? 0;
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
        // A shared frame is a whole WebSocket message already: its bytes go to the connection
        // as they are, between ws's own writes (no extension is negotiated that would reorder).
        if (typeof frame === 'string') this.socket.send(frame, asText);
        else this.tcp.write(frame);
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
