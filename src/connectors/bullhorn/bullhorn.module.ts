import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { BullhornApiClient } from './bullhorn-api.client.js';
import { BullhornConnector } from './bullhorn.connector.js';

@Module({
  imports: [CrmHttpModule],
  providers: [BullhornApiClient, BullhornConnector],
})
export class BullhornModule {}
