import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { AppException } from './app.exception.js';
import { restoreExtraFields } from './keep-extra-fields.js';
import { fieldErrors } from './validation-errors.js';

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
      // Fields are named from the validator's structured errors, never parsed out of message text.
      exceptionFactory: (errors) => {
        const found = fieldErrors(errors);
        return AppException.invalidRequest(
          found.map((error) => error.message).join('; ') || 'The request is not valid.',
          found.map((error) => error.field),
        );
      },
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
