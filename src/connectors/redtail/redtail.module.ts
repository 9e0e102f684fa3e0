import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { RedtailApiClient } from './redtail-api.client.js';
import { RedtailConnector } from './redtail.connector.js';

@Module({
  imports: [CrmHttpModule],
  providers: [RedtailApiClient, RedtailConnector],
})
export class RedtailModule {}
