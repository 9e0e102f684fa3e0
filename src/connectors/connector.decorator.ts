import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as a CRM connector. The registry finds every provider carrying
 * it, so adding a CRM is one folder plus one module import in ConnectorsModule.
 */
export const Connector = DiscoveryService.createDecorator<void>();
