import { registerInput, updateProfileInput } from '@chat/api/schemas/auth';
import { createChannelInput } from '@chat/api/schemas/channels';
import { describe, expect, it } from 'vitest';
import { fieldErrors } from './form-errors';

describe('field errors from the shared schemas', () => {
  it('says what is wrong with each registration field in plain words', () => {
    expect(
      fieldErrors(registerInput, { username: 'ab', email: 'nope', password: 'short' }),
    ).toEqual({
      username: 'Use at least 3 characters.',
      email: 'Enter an email address, like ada@example.com.',
      password: 'Use at least 8 characters.',
    });
    expect(
      fieldErrors(registerInput, { username: 'ada lee', email: 'a@b.co', password: 'long enough' }),
    ).toEqual({
      username: 'May only contain letters, digits, "_", "." and "-".',
    });
    expect(
      fieldErrors(registerInput, { username: 'ada', email: 'a@b.co', password: 'long enough' }),
    ).toBeNull();
  });

  it('takes the limits from the schema', () => {
    expect(fieldErrors(createChannelInput, { name: 'x'.repeat(81) })).toEqual({
      name: 'Use at most 80 characters.',
    });
    expect(fieldErrors(createChannelInput, { name: '   ' })).toEqual({ name: 'This is required.' });
    expect(fieldErrors(updateProfileInput, { avatarUrl: 'ftp://example.com/a.png' })).toEqual({
      avatarUrl: 'Enter a web address starting with https://.',
    });
  });
});
