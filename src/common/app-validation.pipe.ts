import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { restoreExtraFields } from './keep-extra-fields.js';

/**
 * ValidationPipe with whitelist + transform, except that RingCentral objects marked
 * @KeepExtraFields keep the fields we do not declare (the contract allows them and
 * connectors may need them).
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      transform: true,
      forbidUnknownValues: false,
      transformOptions: { enableImplicitConversion: false },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || typeof value !== 'object' || value === null) {
      return super.transform(value, metadata);
    }
    // Whitelisting strips fields from the instances class-transformer builds, never from
    // the parsed body itself (DTO transforms only touch primitives), so the body still
    // holds every undeclared field; no copy of it is needed.
    const validated = await super.transform(value, metadata);
    restoreExtraFields(validated, value);
    return validated;
  }
}
