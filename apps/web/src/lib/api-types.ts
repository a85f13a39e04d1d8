// The server's shapes, as the client sees them: derived from the router's types only.
import type { RouterOutputs } from '@chat/api';

type Yielded<T> = T extends AsyncIterable<infer Item, never> ? Item : never;

export type Message = RouterOutputs['messages']['history']['items'][number];
export type Channel = RouterOutputs['channels']['get'];
export type User = RouterOutputs['users']['get'];
export type OwnUser = RouterOutputs['auth']['me'];
export type Session = RouterOutputs['auth']['login'];
export type TokenPair = RouterOutputs['auth']['refresh'];
export type UserStatus = User['status'];
export type ChosenStatus = Exclude<UserStatus, 'offline'>;
export type LiveEvent = Yielded<RouterOutputs['realtime']['events']>;
export type Typist = Yielded<RouterOutputs['realtime']['typing']>[number];
