import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { registerSecret } from '../helpers/recording.js';

/**
 * A tiny authorization server on loopback for the resource-server tests: RFC 8414 metadata (or only
 * OpenID discovery), a JWKS that can rotate, RFC 7662 introspection of opaque tokens it was told
 * about, and a switch that makes it unreachable. Tokens are signed here with jose, as a real issuer
 * would; every token made is registered with the secret sweep.
 */
export interface LocalIssuer {
  /** The issuer identifier: `http://127.0.0.1:<port>/realms/test`. */
  issuer: string;
  kid: string;
  /** Signs an access token; defaults: this issuer, sub alice, exp in 5 minutes, typ at+jwt. */
  sign(claims: JWTPayload, opts?: SignOptions): Promise<string>;
  /** A new current key; the old one leaves the key set unless `keepOld`. */
  rotate(opts?: { keepOld?: boolean }): Promise<void>;
  /** A signed token whose key is not (yet) in the key set. */
  signWithUnpublishedKey(claims: JWTPayload): Promise<string>;
  /** The current public key as PEM (for the HS256-with-the-public-key-as-secret attack). */
  publicPem(): string;
  /** Opaque tokens introspection knows: token → answer. */
  opaque: Map<string, Record<string, unknown>>;
  hits: { metadata: number; jwks: number; introspection: number; token: number };
  /** Claims of the access tokens a refresh_token grant at /token hands out (a client's refresh). */
  refreshClaims: JWTPayload;
  /** Unreachable: every connection is dropped. */
  down: boolean;
  /** Basic credentials introspection accepts. */
  client: { id: string; secret: string };
  close(): Promise<void>;
}

export interface SignOptions {
  alg?: string;
  kid?: string;
  typ?: string;
  /** Sign with this key instead of the current one. */
  key?: CryptoKey | Uint8Array;
  /** Set no exp. */
  noExp?: boolean;
}

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicPem: string;
  jwk: JWK;
}

let keyCounter = 0;

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `k${++keyCounter}-${Date.now().toString(36)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicPem: await exportSPKI(publicKey), jwk };
}

export async function startLocalIssuer(
  opts: { metadata?: 'oauth' | 'oidc'; introspection?: boolean; issuerOverride?: string } = {},
): Promise<LocalIssuer> {
  let keys: Key[] = [await newKey()];
  const hidden: Key = await newKey();
  const client = { id: 'proxmox-mcp-rs', secret: 'introspection-secret-8c1f2a' };
  registerSecret(client.secret);
  const state: LocalIssuer = {
    issuer: '',
    kid: keys[0]!.kid,
    opaque: new Map(),
    hits: { metadata: 0, jwks: 0, introspection: 0, token: 0 },
    refreshClaims: {},
    down: false,
    client,
    sign: async (claims, o = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({
        iss: state.issuer,
        sub: 'alice',
        iat: now,
        ...(o.noExp ? {} : { exp: now + 300 }),
        ...claims,
      }).setProtectedHeader({
        alg: o.alg ?? 'RS256',
        kid: o.kid ?? keys[keys.length - 1]!.kid,
        ...(o.typ === '' ? {} : { typ: o.typ ?? 'at+jwt' }),
      });
      const token = await jwt.sign(o.key ?? keys[keys.length - 1]!.privateKey);
      registerSecret(token);
      return token;
    },
    rotate: async (o = {}) => {
      const next = await newKey();
      keys = o.keepOld ? [...keys, next] : [next];
      state.kid = next.kid;
    },
    publicPem: () => keys[keys.length - 1]!.publicPem,
    signWithUnpublishedKey: (claims) => state.sign(claims, { key: hidden.privateKey, kid: hidden.kid }),
    close: () => new Promise((r) => server.close(() => r())),
  };

  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', state.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const metadata = {
      issuer: opts.issuerOverride ?? state.issuer,
      authorization_endpoint: `${state.issuer}/auth`,
      token_endpoint: `${state.issuer}/token`,
      jwks_uri: `${state.issuer}/jwks`,
      ...(opts.introspection ? { introspection_endpoint: `${state.issuer}/introspect` } : {}),
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    };
    const where =
      (opts.metadata ?? 'oauth') === 'oauth'
        ? '/.well-known/oauth-authorization-server/realms/test'
        : '/realms/test/.well-known/openid-configuration';
    if (url.pathname === where) {
      state.hits.metadata++;
      return json(200, metadata);
    }
    if (url.pathname === '/realms/test/jwks') {
      state.hits.jwks++;
      return json(200, { keys: keys.map((k) => k.jwk) });
    }
    if (url.pathname === '/realms/test/introspect' && req.method === 'POST') {
      state.hits.introspection++;
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const expected = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return json(401, { error: 'invalid_client' });
        const token = new URLSearchParams(body).get('token') ?? '';
        json(200, state.opaque.get(token) ?? { active: false });
      });
      return;
    }
    if (url.pathname === '/realms/test/token' && req.method === 'POST') {
      state.hits.token++;
      req.resume();
      req.on('end', () => {
        void state
          .sign(state.refreshClaims)
          .then((access) =>
            json(200, { access_token: access, token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-1' }),
          );
      });
      return;
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`;
  return state;
}
