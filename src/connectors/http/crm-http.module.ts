import { Module } from '@nestjs/common';
import { CrmHttpClientFactory } from './crm-http-client.factory.js';

/** The shared CRM HTTP client; connector modules import it and create their client in their constructor. */
@Module({
  providers: [CrmHttpClientFactory],
  exports: [CrmHttpClientFactory],
})
export class CrmHttpModule {}
