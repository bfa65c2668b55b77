// A real OpenID provider for huddle's tests: the certified `oidc-provider` package on 127.0.0.1.
//
//   node provider.mjs            (environment: OIDC_JWKS = path of a private JWK set, written by the test)
//
// Listens on a free port, then prints one JSON line {"issuer": "http://127.0.0.1:PORT"} on stdout.
// Clients are registered by the tests through dynamic registration (RFC 7591, open here), so each
// test registers its own redirect URIs. Sign-in uses the package's development interactions
// (a login form whose login is the account id; any password), which is what a browser test drives.
// The test users and their claims are below: the claim names are the ones huddle's tests configure.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const ACCOUNTS = {
  anna: { name: 'Anna Andersson', hsa_id: 'SE2321000016-A001', org: 'Kalmar kommun', title: ['sjukskoterska'] },
  bo: { name: 'Bo Berg', hsa_id: 'SE2321000016-B002', org: 'Region Kalmar län', title: ['samordnare', 'it'] },
  cilla: { name: 'Cilla Chef', hsa_id: 'SE2321000016-C003', org: 'Region Kalmar län', title: ['chef'] },
  // No HSA-id claim at all: huddle must refuse the sign-in.
  nohsa: { name: 'Nils Utan', org: 'Kalmar kommun', title: ['sjukskoterska'] },
  // Claims that map to no huddle role: refused.
  norole: { name: 'Rolf Roll', hsa_id: 'SE2321000016-R004', org: 'Kalmar kommun', title: ['vaktmastare'] },
};

const jwks = JSON.parse(readFileSync(process.env.OIDC_JWKS, 'utf8'));

const configuration = {
  jwks,
  clients: [],
  // The profile claims huddle reads; `huddle` is the scope that carries the organisation claims.
  claims: { openid: ['sub'], profile: ['name'], huddle: ['hsa_id', 'org', 'title'] },
  scopes: ['openid', 'profile', 'huddle'],
  // Claims the scopes ask for go into the ID token too (huddle reads the ID token only).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    registration: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  findAccount: async (ctx, id) => {
    const claims = ACCOUNTS[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  // Consent is implied for the tests' clients (the dev consent page still shows once).
  ttl: { DeviceCode: 600, IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
