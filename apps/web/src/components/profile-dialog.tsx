// Editing how others see the user: display name, avatar image and status. The limits are the
// server's own schema's.
import { updateProfileInput } from '@chat/api/schemas/auth';
import { useState, type FormEvent } from 'react';
import { useMe } from '../hooks/use-me';
import type { ChosenStatus } from '../lib/api-types';
import { fieldErrors, type FieldErrors } from '../lib/form-errors';
import { presenceStore } from '../lib/presence-store';
import { trpc } from '../lib/trpc';
import { Avatar } from './avatar';
import { Dialog } from './dialog';
import { FieldError } from './field-error';
import { statusLabel } from './presence-dot';

const choices: ChosenStatus[] = ['online', 'away', 'dnd'];

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const me = useMe();
  const utils = trpc.useUtils();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [avatarUrl, setAvatarUrl] = useState(me.avatarUrl ?? '');
  const [status, setStatus] = useState<ChosenStatus>(
    me.status === 'offline' ? 'online' : me.status,
  );
  const [fields, setFields] = useState<FieldErrors>({});
  const save = trpc.auth.updateMe.useMutation({
    onSuccess: (user) => {
      utils.auth.me.setData(undefined, user);
      utils.users.get.setData({ userId: user.id }, user);
      presenceStore.set(user.id, user.status);
      void utils.channels.members.invalidate();
      onClose();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = {
      // an empty name goes back to the username
      displayName: displayName.trim() || null,
      avatarUrl: avatarUrl.trim() || null,
      status,
    };
    const invalid = fieldErrors(updateProfileInput, input);
    setFields(invalid ?? {});
    if (!invalid) save.mutate(input);
  };

  return (
    <Dialog title="Edit profile" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Avatar
          userId={me.id}
          name={displayName || me.username}
          avatarUrl={avatarUrl.trim() || null}
        />
        <label>
          Display name
          <input
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            placeholder={me.username}
            aria-invalid={fields.displayName ? true : undefined}
            autoFocus
          />
          <FieldError text={fields.displayName} />
        </label>
        <label>
          Avatar URL
          <input
            type="url"
            value={avatarUrl}
            onChange={(event) => setAvatarUrl(event.target.value)}
            placeholder="https://…"
            aria-invalid={fields.avatarUrl ? true : undefined}
          />
          <FieldError text={fields.avatarUrl} />
        </label>
        <label>
          Status
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value as ChosenStatus)}
          >
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {statusLabel(choice)}
              </option>
            ))}
          </select>
        </label>
        {save.error && (
          <p className="form-error" role="alert">
            {save.error.message}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
