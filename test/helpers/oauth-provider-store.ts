/**
 * oidc-provider keeps clients, grants, codes, tokens and sessions through an adapter. Its built-in one
 * warns that it is for development and shares one module-wide store; this one is the same idea per
 * test provider, so two issuers in one test share nothing, and a key rotation (a new Provider over the
 * same store) keeps every client and refresh token.
 */
type Stored = { payload: Record<string, unknown>; expiresAt: number };

/** oidc-provider's storage interface over a Map (per provider instance, so two issuers share nothing). */
export function memoryAdapterFactory() {
  const store = new Map<string, Stored>();
  const alive = (k: string) => {
    const e = store.get(k);
    if (e && e.expiresAt < Date.now()) store.delete(k);
    return store.get(k)?.payload;
  };
  return class MapAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
      store.set(this.key(id), { payload, expiresAt });
      if (typeof payload.uid === 'string')
        store.set(`uid:${this.model}:${payload.uid}`, { payload, expiresAt });
    }
    async find(id: string) {
      return alive(this.key(id));
    }
    async findByUid(uid: string) {
      return alive(`uid:${this.model}:${uid}`);
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const p = alive(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, v] of store) if (v.payload.grantId === grantId) store.delete(k);
    }
  };
}
