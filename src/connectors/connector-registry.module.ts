import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConnectorRegistry } from './connector-registry.service.js';

/** The registry alone, for modules that add connectors to it (config-defined ones) as well as read it. */
@Module({
  imports: [DiscoveryModule],
  providers: [ConnectorRegistry],
  exports: [ConnectorRegistry],
})
export class ConnectorRegistryModule {}
