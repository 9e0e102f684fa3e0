import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { NetSuiteApiClient } from './netsuite-api.client.js';
import { NetSuiteConnector } from './netsuite.connector.js';

@Module({
  imports: [CrmHttpModule],
  providers: [NetSuiteApiClient, NetSuiteConnector],
})
export class NetSuiteModule {}
