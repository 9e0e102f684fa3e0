import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../http/crm-http.module.js';
import { PipedriveApiClient } from './pipedrive-api.client.js';
import { PipedriveConnector } from './pipedrive.connector.js';

@Module({
  imports: [CrmHttpModule],
  providers: [PipedriveApiClient, PipedriveConnector],
})
export class PipedriveModule {}
