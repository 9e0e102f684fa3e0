import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AppErrorCode, AppException } from '../common/app.exception.js';
import { Connector } from './connector.decorator.js';
import type { CrmConnector } from './crm-connector.interface.js';

@Injectable()
export class ConnectorRegistry implements OnModuleInit {
  private readonly connectors = new Map<string, CrmConnector>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: Connector.KEY })) {
      this.register(wrapper.instance as CrmConnector);
    }
  }

  register(connector: CrmConnector): void {
    const existing = this.connectors.get(connector.name);
    if (existing && existing !== connector) {
      throw new Error(
        `Duplicate connector name "${connector.name}": ${existing.constructor.name} and ${connector.constructor.name}`,
      );
    }
    this.connectors.set(connector.name, connector);
  }

  /** The connector for a platform, or a 400 naming the unknown platform. */
  get(platform: string): CrmConnector {
    const connector = this.connectors.get(platform);
    if (!connector) {
      throw new AppException(
        AppErrorCode.UnsupportedPlatform,
        `Unsupported platform "${platform}". Supported: ${this.names().join(', ')}`,
        { fields: ['platform'] },
      );
    }
    return connector;
  }

  names(): string[] {
    return [...this.connectors.keys()].sort();
  }

  all(): CrmConnector[] {
    return this.names().map((name) => this.connectors.get(name)!);
  }
}
