// A real OpenID Connect provider (the certified `oidc-provider` package) for the integration tests.
//
// Started by tests/oidc_provider.py (`run_oidc_provider`); see README.md beside this file.
// Listens on 127.0.0.1:$PORT, issuer http://127.0.0.1:$PORT, prints `ready <issuer>` once listening.
//
// Environment:
//   PORT                       port to listen on (required)
//   CLIENT_ID, CLIENT_SECRET   the relying party's static confidential client (client_secret_basic)
//   REDIRECT_URI               its redirect URI (also used by the second client, other-client/other-secret)
//   POST_LOGOUT_REDIRECT_URI   its post-logout redirect URI
//   KEY_ID                     kid of the RS256 signing key generated at start-up (default key-1)
//   PID_FOR_<login>            pid claim for a login name that is not itself a 13-digit national ID
//   FORCE_ACR                  acr given to every login, whatever was requested (to simulate a weaker login)
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider, { interactionPolicy } from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number.parseInt(required('PORT'), 10);
const issuer = `http://127.0.0.1:${port}`;
const clientId = required('CLIENT_ID');
const clientSecret = required('CLIENT_SECRET');
const redirectUri = required('REDIRECT_URI');
const postLogoutRedirectUri = required('POST_LOGOUT_REDIRECT_URI');
const keyId = process.env.KEY_ID || 'key-1';
const forcedAcr = process.env.FORCE_ACR || undefined;

const ACR_VALUES = ['urn:demo:ial:1', 'urn:demo:ial:2', 'urn:demo:ial:3'];
const DEFAULT_ACR = ACR_VALUES[0];
const NATIONAL_ID = /^\d{13}$/;

// A fresh RS256 key every start: restarting with another KEY_ID simulates key rotation.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: keyId, alg: 'RS256', use: 'sig' };

function clientMetadata(id, secret) {
  return {
    client_id: id,
    client_secret: secret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutRedirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  };
}

/** The acr a login gets: FORCE_ACR, else the first supported value of acr_values, else the lowest level. */
function acrFor(acrValuesParam) {
  if (forcedAcr) {
    return forcedAcr;
  }
  const requested = (acrValuesParam || '').split(' ').filter((value) => ACR_VALUES.includes(value));
  return requested[0] || DEFAULT_ACR;
}

// Login is required again when acr_values is sent and the session's acr is not one of the requested values.
const policy = interactionPolicy.base();
policy.get('login').checks.add(
  new interactionPolicy.Check('acr_values_unmet', 'requested acr not obtained by the current session', (ctx) => {
    const { oidc } = ctx;
    const requested = oidc.params.acr_values;
    if (!requested || !oidc.session.accountId || oidc.result?.login) {
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }
    return requested.split(' ').includes(oidc.session.acr)
      ? interactionPolicy.Check.NO_NEED_TO_PROMPT
      : interactionPolicy.Check.REQUEST_PROMPT;
  }),
);

const configuration = {
  clients: [clientMetadata(clientId, clientSecret), clientMetadata('other-client', 'other-secret')],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'pid', 'name', 'name_en', 'given_name', 'family_name', 'birthdate'],
  claims: {
    // acr, amr and auth_time go into every ID token (oidc-provider adds them only when requested otherwise).
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    pid: ['pid'],
    name: ['name'],
    name_en: ['name_en'],
    given_name: ['given_name'],
    family_name: ['family_name'],
    birthdate: ['birthdate'],
    acr: null,
    amr: null,
    auth_time: null,
    sid: null,
    iss: null,
  },
  acrValues: ACR_VALUES,
  // Scope claims go into the ID token itself: the relying party needs no userinfo call.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    userinfo: { enabled: true },
    revocation: { enabled: false },
    introspection: { enabled: false },
  },
  interactions: { policy },
  ttl: {
    AccessToken: 5 * 60,
    AuthorizationCode: 60,
    IdToken: 5 * 60,
    Interaction: 10 * 60,
    Session: 60 * 60,
    Grant: 60 * 60,
  },
  async findAccount(ctx, id) {
    const pid = NATIONAL_ID.test(id) ? id : process.env[`PID_FOR_${id}`];
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          ...(pid ? { pid } : undefined),
          name: `Test Person ${id}`,
          name_en: `Test Person ${id}`,
          given_name: 'Test',
          family_name: `Person ${id}`,
          birthdate: '1990-01-01',
        };
      },
    };
  },
  // Consent is automatic: every requested OIDC scope and claim is granted to the static clients.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!grant) {
      grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    }
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    if (oidc.requestParamClaims.size) {
      grant.addOIDCClaims([...oidc.requestParamClaims]);
    }
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;

// The dev interactions' login form, submitted: any login name with any password, and the session gets
// an acr (see acrFor) and amr ["pwd"]. Everything else falls through to the dev interactions.
provider.use(async (ctx, next) => {
  if (ctx.method !== 'POST' || !/^\/interaction\/[^/]+$/.test(ctx.path)) {
    return next();
  }
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    return next(); // no or an expired interaction: the dev interactions render the error
  }
  if (details.prompt.name !== 'login') {
    return next();
  }
  const chunks = [];
  for await (const chunk of ctx.req) {
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const login = (form.get('login') || '').trim();
  if (!login) {
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: 'login is required' };
    return undefined;
  }
  ctx.respond = false;
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId: login, acr: acrFor(details.params.acr_values), amr: ['pwd'], remember: true } },
    { mergeWithLastSubmission: false },
  );
  return undefined;
});

provider.on('server_error', (ctx, error) => {
  console.error('provider.mjs server_error:', error);
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
server.on('error', (error) => {
  console.error(`provider.mjs: cannot listen on 127.0.0.1:${port}: ${error.code || error.message}`);
  process.exit(1);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
