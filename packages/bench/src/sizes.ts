// How big and how long each scenario is: the full run (the shapes, each measured
// window 6 s, within 8 minutes in all on a 2-core machine) and --quick (CI's smoke test:
// every scenario for a second or two, on small numbers).
export interface Sizes {
  /** Each measured window, ms (a warm-up of a fifth of it, at most 1 s, goes first). */
  windowMs: number;
  /** Time allowed for a backlog of deliveries to drain after the senders stop. */
  drainMs: number;
  insertConcurrency: number[];
  /** Acked senders, each with its own channel (and all in one hot channel). */
  ackedSenders: number;
  fanoutChannels: number;
  usersPerFanoutChannel: number;
  socketsPerUser: number;
  fanoutRates: [number, number];
  /** Client processes holding the receiving sockets. */
  receiverProcesses: number;
  resumeMessages: number;
  /** At most this long sending more messages when the acked scenarios left too few to resume. */
  topUpMs: number;
}

export const fullSizes: Sizes = {
  windowMs: 6_000,
  drainMs: 10_000,
  insertConcurrency: [1, 16, 64],
  ackedSenders: 64,
  fanoutChannels: 20,
  usersPerFanoutChannel: 10,
  socketsPerUser: 10,
  fanoutRates: [200, 1000],
  receiverProcesses: 2,
  resumeMessages: 10_000,
  topUpMs: 60_000,
};

export const quickSizes: Sizes = {
  windowMs: 1_500,
  drainMs: 3_000,
  insertConcurrency: [1, 16, 64],
  ackedSenders: 8,
  fanoutChannels: 4,
  usersPerFanoutChannel: 5,
  socketsPerUser: 4,
  fanoutRates: [50, 200],
  receiverProcesses: 1,
  resumeMessages: 500,
  topUpMs: 20_000,
};

/** Sockets in one fan-out channel (not counting its sender's). */
export const socketsPerChannel = (sizes: Sizes) =>
  sizes.usersPerFanoutChannel * sizes.socketsPerUser;
