/**
 * An operator-mode nats-server's configuration for tests: an operator, a system account, an account with
 * JetStream, and a user of it whose `.creds` file (the JWT and its seed, as nsc writes one) a node joins with.
 * The JWTs are made here from their published form (header.claims.signature, ed25519 by the issuer's NKey).
 */
import { nkeys } from '@nats-io/transport-node';

type KeyPair = ReturnType<typeof nkeys.createOperator>;
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');
const unlimited = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

function jwt(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const header = b64(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const claims = {
    jti: b64(`${subject}${name}`).slice(0, 52).toUpperCase(),
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    name,
    sub: subject,
    nats: { ...nats, version: 2 },
  };
  const payload = b64(JSON.stringify(claims));
  return `${header}.${payload}.${b64(issuer.sign(new TextEncoder().encode(`${header}.${payload}`)))}`;
}

/** The server's configuration and a user's `.creds` text. */
export function operatorMode(): { config: string; creds: string } {
  const [operator, system, account, user] = [
    nkeys.createOperator(),
    nkeys.createAccount(),
    nkeys.createAccount(),
    nkeys.createUser(),
  ];
  const jetstream = { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };
  const accounts = {
    [system.getPublicKey()]: jwt(operator, system.getPublicKey(), 'SYS', { type: 'account', limits: unlimited }),
    [account.getPublicKey()]: jwt(operator, account.getPublicKey(), 'show', {
      type: 'account',
      limits: { ...unlimited, ...jetstream },
    }),
  };
  const config = [
    `operator: "${jwt(operator, operator.getPublicKey(), 'op', { type: 'operator' })}"`,
    'resolver: MEMORY',
    `system_account: ${system.getPublicKey()}`,
    `resolver_preload: { ${Object.entries(accounts)
      .map(([k, v]) => `${k}: "${v}"`)
      .join(', ')} }`,
  ].join('\n');
  const userJwt = jwt(account, user.getPublicKey(), 'node', {
    type: 'user',
    ...{ pub: {}, sub: {}, subs: -1, data: -1, payload: -1 },
  });
  const seed = new TextDecoder().decode(user.getSeed());
  const creds = [
    '-----BEGIN NATS USER JWT-----',
    userJwt,
    '------END NATS USER JWT------',
    '',
    '-----BEGIN USER NKEY SEED-----',
    seed,
    '------END USER NKEY SEED------',
    '',
  ].join('\n');
  return { config, creds };
}
