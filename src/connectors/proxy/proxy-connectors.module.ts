import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ConnectorRegistryModule } from '../connector-registry.module.js';
import { ConnectorRegistry } from '../connector-registry.service.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { checkProxyEnvironment, loadProxyConfigs } from './proxy-config.loader.js';
import { ProxyConnector } from './proxy.connector.js';

/**
 * Registers one connector per config file in CONNECTOR_CONFIG_DIR. A config that does not
 * validate stops the server at start with the file and path named; a name that another
 * connector already has does too (the registry refuses duplicates).
 */
@Injectable()
export class ProxyConnectorLoader implements OnModuleInit {
  private readonly logger = new Logger(ProxyConnectorLoader.name);

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConnectorRegistry,
    private readonly httpFactory: CrmHttpClientFactory,
  ) {}

  onModuleInit(): void {
    const dir = this.config.CONNECTOR_CONFIG_DIR;
    if (!dir) return;
    const environment = (name: string) => this.config.environmentValue(name);
    for (const { file, config } of loadProxyConfigs(dir)) {
      checkProxyEnvironment(file, config, environment);
      const http = this.httpFactory.create({ platform: config.meta.name, displayName: config.meta.displayName });
      const connector = new ProxyConnector(config, http, environment);
      this.registry.register(connector);
      if (connector.manifest.authType === 'oauth' && !connector.manifest.oauth) {
        const oauth = config.auth?.oauth;
        this.logger.warn(`Connector ${config.meta.name} (${file}) signs in with OAuth: set ${oauth?.clientIdEnv} and ${oauth?.clientSecretEnv} to offer it`);
      }
      this.logger.log(`Connector ${config.meta.name} loaded from ${file}`);
    }
  }
}

@Module({
  imports: [CrmHttpModule, ConnectorRegistryModule],
  providers: [ProxyConnectorLoader],
})
export class ProxyConnectorsModule {}
