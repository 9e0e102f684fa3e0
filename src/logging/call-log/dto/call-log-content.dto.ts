import { OptionalObject, OptionalText, OptionalUrl } from '../../../common/dto/field-decorators.js';

/** What a create and an update of a call log can both carry besides the call itself. */
export class CallLogContentDto {
  @OptionalText({ description: 'Agent note.' })
  note?: string;

  @OptionalObject({ description: "Values of the manifest's call-log additional fields (merged over the stored ones on update)." })
  additionalSubmission?: Record<string, unknown>;

  @OptionalText({ description: 'AI-generated note (Smart Notes).' })
  aiNote?: string;

  @OptionalText()
  transcript?: string;

  @OptionalText()
  ringSenseTranscript?: string;

  @OptionalText()
  ringSenseSummary?: string;

  @OptionalObject()
  ringSenseAIScore?: Record<string, unknown>;

  @OptionalText()
  ringSenseBulletedSummary?: string;

  @OptionalUrl(2048)
  ringSenseLink?: string;
}
