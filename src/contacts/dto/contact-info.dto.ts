import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** App Connect's ContactInfo: a CRM contact as a connector normalised it. Connectors may add fields. */
export class ContactInfoDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'CRM record identifier. The synthetic create-new-contact choice uses the exact sentinel createNewContact.',
    example: '42',
  })
  id: string;

  @ApiProperty({ description: 'CRM contact display name.', example: 'Jane Smith' })
  name: string;

  @ApiPropertyOptional({ description: 'Phone number associated with the matched contact.' })
  phone?: string;

  @ApiPropertyOptional({ description: 'Compatibility alias for the matched contact phone number.' })
  phoneNumber?: string;

  @ApiPropertyOptional({ description: 'CRM entity type, such as Contact, Lead, or Candidate.' })
  type?: string;

  @ApiPropertyOptional({ description: 'Contact job title when supplied by the connector.' })
  title?: string;

  @ApiPropertyOptional({ description: 'Contact company or organization name.' })
  company?: string;

  @ApiPropertyOptional({ description: 'Contact email address.' })
  email?: string;

  @ApiPropertyOptional({ description: 'Connector-formatted CRM record creation date or timestamp.' })
  createdDate?: string;

  @ApiPropertyOptional({ description: "Connector-formatted date or timestamp of the contact's most recent CRM activity." })
  mostRecentActivityDate?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Connector-defined association, ownership, or display metadata for this contact.',
  })
  additionalInfo?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Whether this is the synthetic create-new-contact option rather than an existing CRM record.',
  })
  isNewContact?: boolean;
}
