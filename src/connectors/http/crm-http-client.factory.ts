import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import axios from 'axios';
import axiosRetry from 'axios-retry';
import http from 'node:http';
import https from 'node:https';
import { OperationsObserver } from '../../common/operations-observer.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClient, type CrmHttpClientOptions } from './crm-http.client.js';

/** Responses larger than this are refused; no CRM answer we read comes close. */
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * Builds one CrmHttpClient per connector. The keep-alive agents are shared by every
 * connector, so connections to a CRM are reused across users and requests. They close
 * in onApplicationShutdown, after the outbox drained its in-flight CRM calls.
 */
@Injectable()
export class CrmHttpClientFactory implements OnApplicationShutdown {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly config: AppConfig,
    // Observability provides it (metrics, the console's CRM errors); without it nobody listens.
    @Optional() private readonly observer?: OperationsObserver,
  ) {}

  private readonly clients: CrmHttpClient[] = [];

  create(options: CrmHttpClientOptions): CrmHttpClient {
    const instance = axios.create({
      timeout: this.config.CRM_HTTP_TIMEOUT_MS,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // A redirect would carry custom auth headers (x-api-token) to another host.
      maxRedirects: 0,
      // CRM hosts are configured explicitly; skipping proxy-from-env saves an env scan per request.
      proxy: false,
      maxContentLength: MAX_RESPONSE_BYTES,
      headers: { Accept: 'application/json', 'User-Agent': 'app-connect-crm-server' },
    });
    axiosRetry(instance, { retries: this.config.CRM_HTTP_MAX_RETRIES });
    const client = new CrmHttpClient(instance, options, {
      timeoutMs: this.config.CRM_HTTP_TIMEOUT_MS,
      maxRetries: this.config.CRM_HTTP_MAX_RETRIES,
    }, this.observer);
    this.clients.push(client);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
