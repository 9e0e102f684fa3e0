import { Module } from '@nestjs/common';
import { CrmHttpModule } from '../connectors/http/crm-http.module.js';
import { RingCentralIdHasher } from './ringcentral-id-hasher.service.js';
import { RingCentralIdentityClient } from './ringcentral-identity.client.js';

/** What the server knows about RingCentral itself: id hashing and token identity. */
@Module({
  imports: [CrmHttpModule],
  providers: [RingCentralIdHasher, RingCentralIdentityClient],
  exports: [RingCentralIdHasher, RingCentralIdentityClient],
})
export class RingCentralModule {}
