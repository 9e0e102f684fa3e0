import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRcExtension {
  id: number;
  accountId: number;
  name: string;
  admin: boolean;
}

/**
 * RingCentral's platform API on 127.0.0.1, as far as this server uses it:
 * GET /restapi/v1.0/account/~/extension/~ answers the extension behind a Bearer token
 * (account id and admin permission), 401 for an unknown token, as RingCentral does.
 * It can be told to fail, or to stop answering.
 */
export class FakeRingCentralServer {
  /** access token -> extension */
  readonly tokens = new Map<string, FakeRcExtension>();
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  /** Answer this status to every request instead of the real answer. */
  failWith?: number;
  /** Accept the connection and never answer (a hung RingCentral). */
  hang = false;
  url = '';
  private server!: Server;

  static async start(): Promise<FakeRingCentralServer> {
    const fake = new FakeRingCentralServer();
    fake.server = createServer((req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addToken(token: string, extension: FakeRcExtension): void {
    this.tokens.set(token, extension);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    if (this.hang) return;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (this.failWith) return send(this.failWith, { errorCode: 'CMN-201', message: 'Service temporarily unavailable' });
    if (req.method !== 'GET' || path !== '/restapi/v1.0/account/~/extension/~') {
      return send(404, { errorCode: 'CMN-102', message: 'Resource not found' });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const extension = token ? this.tokens.get(token) : undefined;
    if (!extension) {
      return send(401, { errorCode: 'TokenInvalid', message: 'Invalid token', errors: [{ errorCode: 'OAU-213', message: 'Token not found' }] });
    }
    send(200, {
      uri: `${this.url}/restapi/v1.0/account/${extension.accountId}/extension/${extension.id}`,
      id: extension.id,
      extensionNumber: '101',
      name: extension.name,
      type: 'User',
      status: 'Enabled',
      account: { uri: `${this.url}/restapi/v1.0/account/${extension.accountId}`, id: String(extension.accountId) },
      permissions: { admin: { enabled: extension.admin }, internationalCalling: { enabled: false } },
    });
  }
}
