import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { InsightlyApiClient } from './insightly-api.client.js';
import { InsightlyConnector } from './insightly.connector.js';

@Module({
  imports: [CrmHttpModule],
  providers: [InsightlyApiClient, InsightlyConnector],
})
export class InsightlyModule {}
