import { createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Google's credential endpoints on 127.0.0.1, for google-auth-library's real code paths: the GCE/GKE metadata server
// (reached through GCE_METADATA_HOST), an STS token exchange (an external-account file's token_url) and the OAuth
// token endpoint a service-account key signs its JWT assertion for. Every access token it issues is recorded, so the
// emulator can accept exactly those.

/** Which endpoint issued a token. */
export type TokenKind = 'metadata' | 'sts' | 'service-account';

/** One call to the fake, as received. */
export interface AuthCall {
  kind: TokenKind | 'project-id';
  headers: IncomingMessage['headers'];
  body: string;
}

/** A running fake of Google's token endpoints. */
export interface FakeGoogleAuth {
  url: string;
  /** host:port, the value of GCE_METADATA_HOST. */
  host: string;
  calls: AuthCall[];
  issued: string[];
  /** Lifetime of the tokens it issues, in seconds (Google: 3599). */
  expiresInSeconds: number;
  /** While true every token call answers 503. */
  failing: boolean;
  /** The project the metadata server reports. */
  projectId: string;
  /** True for a token this fake issued. */
  accepts(token: string): boolean;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
  });
}

/** Checks an RS256 JWT assertion against `publicKey`, returning its claims, or undefined when the signature fails. */
function verifiedClaims(assertion: string, publicKey: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) return undefined;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Starts the fake on 127.0.0.1 and a free port; `publicKey` verifies service-account assertions. */
export async function startFakeGoogleAuth(options: { publicKey?: string; projectId?: string } = {}): Promise<FakeGoogleAuth> {
  let counter = 0;
  const fake: Omit<FakeGoogleAuth, 'url' | 'host' | 'close'> = {
    calls: [],
    issued: [],
    expiresInSeconds: 3599,
    failing: false,
    projectId: options.projectId ?? 'metadata-project',
    accepts: (token) => fake.issued.includes(token),
  };
  const issue = (response: ServerResponse, kind: TokenKind, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    if (fake.failing) {
      response.writeHead(503, { 'content-type': 'application/json', ...headers }).end('{"error":"unavailable"}');
      return;
    }
    const token = `ya29.${kind}-${++counter}`;
    fake.issued.push(token);
    response.writeHead(200, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ access_token: token, expires_in: fake.expiresInSeconds, token_type: 'Bearer', ...extra }));
  };
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = (request.url ?? '').split('?')[0];
      const flavor = { 'metadata-flavor': 'Google' };
      if (path === '/computeMetadata/v1/instance/service-accounts/default/token' && request.method === 'GET') {
        fake.calls.push({ kind: 'metadata', headers: request.headers, body });
        // The metadata server refuses requests without the header, and the library refuses answers without it.
        if (request.headers['metadata-flavor'] !== 'Google') return void response.writeHead(403).end('Missing Metadata-Flavor:Google header.');
        return issue(response, 'metadata', {}, flavor);
      }
      if (path === '/computeMetadata/v1/project/project-id') {
        fake.calls.push({ kind: 'project-id', headers: request.headers, body });
        return void response.writeHead(200, { 'content-type': 'application/text', ...flavor }).end(fake.projectId);
      }
      if (path === '/sts' && request.method === 'POST') {
        fake.calls.push({ kind: 'sts', headers: request.headers, body });
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' || !form.get('subject_token')) {
          return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}');
        }
        return issue(response, 'sts', { issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
      }
      if (path === '/token' && request.method === 'POST') {
        fake.calls.push({ kind: 'service-account', headers: request.headers, body });
        const form = new URLSearchParams(body);
        const claims = options.publicKey ? verifiedClaims(form.get('assertion') ?? '', options.publicKey) : undefined;
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !claims) {
          return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant","error_description":"Invalid JWT Signature."}');
        }
        return issue(response, 'service-account');
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** An external-account (Workload Identity Federation) credential file whose subject token is a local file and whose token_url is the fake's STS. */
export function writeExternalAccountFile(fake: Pick<FakeGoogleAuth, 'url'>, directory = mkdtempSync(join(tmpdir(), 'vertex-wif-'))): string {
  const subjectToken = join(directory, 'subject-token');
  writeFileSync(subjectToken, 'eyJhbGciOiJSUzI1NiJ9.projected-ksa-token.sig');
  const file = join(directory, 'external-account.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/eks/providers/oidc',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${fake.url}/sts`,
      credential_source: { file: subjectToken },
    }),
  );
  return file;
}

/** A service-account key file (a fresh RSA key) and the public key that verifies its assertions. */
export function writeServiceAccountKey(projectId: string, directory = mkdtempSync(join(tmpdir(), 'vertex-sa-'))): { file: string; publicKey: string; email: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const email = `sidecar@${projectId}.iam.gserviceaccount.com`;
  const file = join(directory, 'key.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'service_account',
      project_id: projectId,
      private_key_id: 'test-key-id',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: '1234567890',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return { file, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), email };
}
