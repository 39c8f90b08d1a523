import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import { providerConfiguration, type ProviderSettings } from './oauth-provider-config.js';

/** Signing keys, and the oidc-provider instance built on them (rebuilt when they rotate). */

export async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** oidc-provider warns on import that Node 20 is not its preferred runtime; tests run on Node 20. */
export async function importProvider(): Promise<typeof Provider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING: Unsupported runtime')) warn(...args);
  };
  try {
    return (await import('oidc-provider')).default;
  } finally {
    console.warn = warn;
  }
}

export function rotatingProvider(ProviderClass: typeof Provider, issuer: string, settings: ProviderSettings) {
  const build = () => {
    const p = new ProviderClass(issuer, providerConfiguration(settings));
    // The provider's own server errors would otherwise vanish; a test should see them.
    p.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
    return p;
  };
  let provider = build();
  return {
    current: () => provider,
    /** Signs new tokens with a fresh key; the JWKS then lists the new key (and the old one if `keepOld`). */
    rotate: async (keepOld: boolean) => {
      settings.keys = [await signingKey(), ...(keepOld ? settings.keys : [])];
      // A new instance over the same storage and cookie keys: clients, grants and refresh tokens live on.
      provider = build();
    },
  };
}
