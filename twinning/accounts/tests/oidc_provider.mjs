// A real OpenID Connect provider for the tests (panva's oidc-provider, a certified implementation),
// on 127.0.0.1 at a port the system picks. The tests start it once (accounts/tests/oidc.py) with one
// client registered from OIDC_TEST_CLIENT (JSON: client_id, client_secret, redirect_uris), and drive
// its development sign-in and consent pages over HTTP. The login typed there is the account:
//   alice@school.edu.ps             e-mail alice@school.edu.ps, verified, name "Alice"
//   unverified.bob@school.edu.ps    e-mail bob@school.edu.ps, not verified by the provider
// It prints "listening <port>" on its first line once it answers.
import http from 'node:http';
import Provider from 'oidc-provider';

const client = JSON.parse(process.env.OIDC_TEST_CLIENT);

function claimsOf(login) {
  const unverified = login.startsWith('unverified.');
  const email = unverified ? login.slice('unverified.'.length) : login;
  const local = email.split('@')[0];
  return {
    sub: login,
    email,
    email_verified: !unverified,
    name: local.charAt(0).toUpperCase() + local.slice(1),
  };
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The e-mail and name in the ID token itself, as Google and Microsoft send them.
    conformIdTokenClaims: false,
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return claimsOf(id); } };
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['twinning-tests-only'] },
  });
  // Its warnings about development settings are for people deploying it, not for the tests.
  provider.on('server_error', (ctx, error) => console.error(error));
  server.on('request', provider.callback());
  console.log(`listening ${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
