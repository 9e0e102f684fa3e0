import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Optional } from '../common/dto/field-decorators.js';

/** One of the two: the local CRM key, or a session JWT of any CRM. */
export class ConsoleSignInDto {
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  apiKey?: string;

  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  jwtToken?: string;
}

export class OperatorSignInDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  token: string;
}
