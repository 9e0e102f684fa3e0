import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { ClioApiClient } from './clio-api.client.js';
import { ClioConnector } from './clio.connector.js';

@Module({
  imports: [CrmHttpModule],
  providers: [ClioApiClient, ClioConnector],
})
export class ClioModule {}
