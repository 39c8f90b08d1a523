/** The test provider's users, and the claims it hands out about them. */

export interface TestUser {
  sub: string;
  email: string;
  name: string;
  groups: string[];
}

export const TEST_USERS: Record<string, TestUser> = {
  alice: { sub: 'alice-0001', email: 'alice@example.com', name: 'Alice', groups: ['pve-admins'] },
  bob: { sub: 'bob-0002', email: 'bob@example.com', name: 'Bob', groups: ['pve-readers'] },
  carol: { sub: 'carol-0003', email: 'carol@example.com', name: 'Carol', groups: ['pve-operators'] },
  dave: { sub: 'dave-0004', email: 'dave@example.com', name: 'Dave', groups: ['contractors'] },
};

const userOf = (accountId: string | undefined) => Object.values(TEST_USERS).find((u) => u.sub === accountId);

/** Keycloak's "groups" and "email" mappers put these in the access token, not only the ID token. */
export const extraTokenClaims = (_ctx: unknown, token: { accountId?: string }) => {
  const user = userOf(token.accountId);
  return user ? { groups: user.groups, email: user.email, name: user.name } : undefined;
};

export const findAccount = (_ctx: unknown, id: string) => {
  const user = userOf(id);
  if (!user) return undefined;
  return {
    accountId: id,
    claims: () => ({ sub: id, email: user.email, email_verified: true, name: user.name }),
  };
};
