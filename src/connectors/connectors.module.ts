import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { MigrationInterface } from 'typeorm';
import { ConnectorRegistry } from './connector-registry.service.js';
import { BullhornModule } from './bullhorn/bullhorn.module.js';
import { ClioModule } from './clio/clio.module.js';
import { InsightlyModule } from './insightly/insightly.module.js';
import { LocalCrmModule } from './local/local-crm.module.js';
import { PipedriveModule } from './pipedrive/pipedrive.module.js';
import { RedtailModule } from './redtail/redtail.module.js';
import { ProxyConnectorsModule } from './proxy/proxy-connectors.module.js';

/** Every CRM is one module in this list; the registry finds its @Connector() provider. */
const CRM_MODULES = [LocalCrmModule, PipedriveModule, ClioModule, BullhornModule, InsightlyModule, RedtailModule];

@Global()
@Module({
  // Config-defined connectors (CONNECTOR_CONFIG_DIR) join the code ones in the registry.
  imports: [DiscoveryModule, ...CRM_MODULES, ProxyConnectorsModule],
  providers: [ConnectorRegistry],
  exports: [ConnectorRegistry],
})
export class ConnectorsModule {
  /** Migrations of the connectors that keep tables of their own, for the persistence module. */
  static readonly migrations: (new () => MigrationInterface)[] = CRM_MODULES.flatMap((module) =>
    'migrations' in module ? [...(module.migrations as (new () => MigrationInterface)[])] : [],
  );
}
