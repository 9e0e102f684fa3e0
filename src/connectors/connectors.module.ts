import { Module } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { ConnectorRegistryModule } from './connector-registry.module.js';
import { BullhornModule } from './bullhorn/bullhorn.module.js';
import { ClioModule } from './clio/clio.module.js';
import { InsightlyModule } from './insightly/insightly.module.js';
import { LocalCrmModule } from './local/local-crm.module.js';
import { NetSuiteModule } from './netsuite/netsuite.module.js';
import { PipedriveModule } from './pipedrive/pipedrive.module.js';
import { RedtailModule } from './redtail/redtail.module.js';
import { ProxyConnectorsModule } from './proxy/proxy-connectors.module.js';

/** Every CRM is one module in this list; the registry finds its @Connector() provider. */
const CRM_MODULES = [
  LocalCrmModule,
  PipedriveModule,
  ClioModule,
  BullhornModule,
  NetSuiteModule,
  InsightlyModule,
  RedtailModule,
];

@Module({
  // Config-defined connectors (CONNECTOR_CONFIG_DIR) join the code ones in the registry.
  imports: [ConnectorRegistryModule, ...CRM_MODULES, ProxyConnectorsModule],
  exports: [ConnectorRegistryModule],
})
export class ConnectorsModule {
  /** Migrations of the connectors that keep tables of their own, for the persistence module. */
  static readonly migrations: (new () => MigrationInterface)[] = CRM_MODULES.flatMap((module) =>
    'migrations' in module ? [...(module.migrations as (new () => MigrationInterface)[])] : [],
  );
}
