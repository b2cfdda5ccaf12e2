import { randomBytes } from 'node:crypto';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';

/** Registers a user, logs it in and checks its token validates: the state every phase starts from. */
export async function prepareUser(address: string): Promise<{ email: string; password: string; token: string }> {
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  const email = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
  const api = createClientAuthClient(address, { deadlineMs: 10_000 });
  try {
    await api.registerUser({ email, password, firstName: 'Bench', lastName: 'User', phoneNumber: '', attributes: {} });
    const token = (await api.login({ email, password })).accessToken;
    await api.validateToken({ token });
    return { email, password, token };
  } finally {
    api.close();
  }
}
