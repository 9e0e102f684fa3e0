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
    // Request bodies are plain JSON, so a structured clone keeps what whitelisting strips.
    const raw = structuredClone(value);
    const validated = await super.transform(value, metadata);
    restoreExtraFields(validated, raw);
    return validated;
  }
}
