import type http from 'node:http';
import type Provider from 'oidc-provider';
import { DEFAULT_SCOPE } from './oauth-provider-config.js';
import { TEST_USERS } from './oauth-provider-users.js';

/**
 * No login or consent page: the chosen user (`loginName`, a key of TEST_USERS) is logged in and
 * everything asked for is granted.
 */
export async function autoInteraction(
  provider: () => Provider,
  loginName: () => string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const details = await provider().interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    const nextUser = loginName();
    const user = TEST_USERS[nextUser];
    if (!user) throw new Error(`no test user ${nextUser}`);
    await provider().interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      {
        mergeWithLastSubmission: false,
      },
    );
    return;
  }
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a logged-in user');
  const grant =
    (details.grantId ? await provider().Grant.find(details.grantId) : undefined) ??
    new (provider().Grant)({ accountId, clientId: details.params.client_id });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  await provider().interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * Keycloak gives a client its realm's default client scopes when the request names none; oidc-provider
 * would grant nothing and answer access_denied. An MCP client whose server advertises no scopes asks
 * for none, so an authorization request without `scope` gets the default one here.
 */
export function withDefaultScope(req: http.IncomingMessage, issuer: string) {
  const url = new URL(req.url ?? '/', issuer);
  if (url.pathname !== '/auth' || url.searchParams.get('scope')) return;
  url.searchParams.set('scope', DEFAULT_SCOPE);
  req.url = `${url.pathname}${url.search}`;
}
