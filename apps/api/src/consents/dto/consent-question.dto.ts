import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ConsentKeyDto, MAX_ADDRESS_LENGTH } from './consent-key.dto';

/** `?channel=&topic=&address=&accountId=` for GET /v1/customers/{id}/consent, and each bulk question. */
export class ConsentQuestionDto extends ConsentKeyDto {
  @ApiPropertyOptional({
    description: 'The contact address; omitted asks about the customer as a whole, where every address-level record counts and `addresses` answers each',
    example: 'john@example.com',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ADDRESS_LENGTH)
  address?: string;
}
