// The status others see while the user is connected: online, away or do not disturb.
import type { ChosenStatus } from '../lib/api-types';
import type { ShownStatus } from '../lib/presence-store';
import { presenceStore } from '../lib/presence-store';
import { trpc } from '../lib/trpc';
import { statusLabel } from './presence-dot';

const choices: ChosenStatus[] = ['online', 'away', 'dnd'];

export function StatusPicker({ status }: { status: ShownStatus }) {
  const utils = trpc.useUtils();
  const setStatus = trpc.realtime.setStatus.useMutation({
    onSuccess: (user) => {
      utils.auth.me.setData(undefined, user);
      presenceStore.set(user.id, user.status);
    },
  });
  const shown = setStatus.isPending
    ? setStatus.variables.status
    : status === 'offline' || status === 'unknown'
      ? 'online'
      : status;

  return (
    <select
      className="status-picker"
      value={shown}
      aria-label="Your status"
      onChange={(event) => setStatus.mutate({ status: event.target.value as ChosenStatus })}
    >
      {choices.map((choice) => (
        <option key={choice} value={choice}>
          {statusLabel(choice)}
        </option>
      ))}
    </select>
  );
}
