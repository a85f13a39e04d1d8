import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
export const hashPassword = (password: string) => hash(password);

// Verified when a login names no known user, so that both failures take the same time.
const unknownUserHash = hash('not-a-real-password-0123456789');

export async function verifyPassword(passwordHash: string | undefined, password: string) {
  try {
    return await verify(passwordHash ?? (await unknownUserHash), password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a crash
  }
}
