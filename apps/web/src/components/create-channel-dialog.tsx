// Creating a channel: a name, and whether only invited members may see it.
import { createChannelInput } from '@chat/api/schemas/channels';
import { useState, type FormEvent } from 'react';
import { useOpenNewChannel } from '../hooks/use-channel-list';
import { fieldErrors, type FieldErrors } from '../lib/form-errors';
import { trpc } from '../lib/trpc';
import { Dialog } from './dialog';
import { FieldError } from './field-error';

export function CreateChannelDialog({ onClose }: { onClose: () => void }) {
  const openNewChannel = useOpenNewChannel();
  const [name, setName] = useState('');
  const [isPrivate, setIsPrivate] = useState(false);
  const [fields, setFields] = useState<FieldErrors>({});
  const create = trpc.channels.create.useMutation({
    onSuccess: (channel) => {
      onClose();
      openNewChannel(channel);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { name: name.trim(), isPrivate };
    const invalid = fieldErrors(createChannelInput, input);
    setFields(invalid ?? {});
    if (!invalid) create.mutate(input);
  };

  return (
    <Dialog title="Create a channel" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label>
          Name
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={fields.name ? true : undefined}
            placeholder="e.g. design-reviews"
            autoFocus
            required
          />
          <FieldError text={fields.name} />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={isPrivate}
            onChange={(event) => setIsPrivate(event.target.checked)}
          />
          <span>
            Private
            <small>Only people added to it can see it.</small>
          </span>
        </label>
        {create.error && (
          <p className="form-error" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending || !name.trim()}
          >
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}
