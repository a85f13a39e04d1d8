// Sign in or create an account; either way the server answers with a session to keep.
import { registerInput } from '@chat/api/schemas/auth';
import { useState, type FormEvent } from 'react';
import { ApiError, describeError, login, register } from '../lib/auth-api';
import { authStore } from '../lib/auth-store';
import { fieldErrors, type FieldErrors } from '../lib/form-errors';
import { FieldError } from './field-error';

type Mode = 'login' | 'register';

export function AuthScreen() {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const invalid =
      mode === 'register' && fieldErrors(registerInput, { username, email, password });
    setFields(invalid || {});
    if (invalid) return;
    setBusy(true);
    try {
      const session =
        mode === 'login'
          ? await login({ login: username, password })
          : await register({ username, email, password });
      authStore.signIn(session);
    } catch (caught) {
      if (caught instanceof ApiError && caught.issues.length > 0) {
        setFields(Object.fromEntries(caught.issues.map((issue) => [issue.path, issue.message])));
        setError(caught.message);
      } else setError(describeError(caught));
      setBusy(false);
    }
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
    setFields({});
  };

  return (
    <div className="auth">
      <form className="auth-card" onSubmit={(event) => void submit(event)} noValidate>
        <div className="auth-logo" aria-hidden>
          #
        </div>
        <h1>{mode === 'login' ? 'Welcome back' : 'Create your account'}</h1>
        <p className="auth-subtitle">
          {mode === 'login' ? 'Sign in to talk with your team.' : 'It takes ten seconds.'}
        </p>
        <label>
          {mode === 'login' ? 'Username or email' : 'Username'}
          <input
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            autoComplete="username"
            aria-invalid={fields.username ? true : undefined}
            autoFocus
            required
          />
          <FieldError text={fields.username} />
        </label>
        {mode === 'register' && (
          <label>
            Email
            <input
              type="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              autoComplete="email"
              aria-invalid={fields.email ? true : undefined}
              required
            />
            <FieldError text={fields.email} />
          </label>
        )}
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            aria-invalid={fields.password ? true : undefined}
            required
          />
          <FieldError text={fields.password} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button className="button button-primary" type="submit" disabled={busy}>
          {busy ? 'One moment…' : mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
        <p className="auth-switch">
          {mode === 'login' ? (
            <>
              New here?{' '}
              <button type="button" className="link" onClick={() => switchTo('register')}>
                Create an account
              </button>
            </>
          ) : (
            <>
              Have an account?{' '}
              <button type="button" className="link" onClick={() => switchTo('login')}>
                Sign in
              </button>
            </>
          )}
        </p>
      </form>
    </div>
  );
}
