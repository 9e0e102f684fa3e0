import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { toE164 } from '../../common/phone-number.js';
import { AppConfig } from '../../config/app-config.js';
import { LocalCrmStore } from './local-crm.store.js';

/** Numbers in the reserved 555-01xx range, stored in different formats on purpose. */
export const DEMO_CONTACTS = [
  { name: 'Jane Smith', phoneNumber: '(415) 555-0100', type: 'Contact', company: 'Acme Corp', email: 'jane@example.com' },
  { name: 'Tom Becker', phoneNumber: '212-555-0142', type: 'Contact', company: 'Northwind', email: null },
  { name: 'Lee Garcia', phoneNumber: '+1 628 555 0177', type: 'Lead', company: null, email: 'lee@example.org' },
] as const;

/** Seeds demo contacts into an empty local CRM so the quick start works out of the box. */
@Injectable()
export class LocalCrmDemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(LocalCrmDemoSeeder.name);

  constructor(
    private readonly store: LocalCrmStore,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.LOCAL_CRM_SEED_DEMO !== 'true' || (await this.store.countContacts()) > 0) return;
    for (const contact of DEMO_CONTACTS) {
      await this.store.createContact({
        ...contact,
        phoneE164: toE164(contact.phoneNumber, this.config.DEFAULT_PHONE_REGION),
      });
    }
    this.logger.log(`Seeded ${DEMO_CONTACTS.length} demo contacts into the local CRM`);
  }
}
