import { CHANNELS } from '@app/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PrecheckedBy, trimmedNonEmptyString } from '../../common/schema-precheck';
import { ConsentKeyDto, MAX_ADDRESS_LENGTH } from './consent-key.dto';

/**
 * A question's fields in the form the DTO leaves unchanged (upper-case channel, trimmed topic):
 * the schema precheck of the single question and of each bulk question.
 */
export const QUESTION_PROPERTIES = {
  channel: { enum: [...CHANNELS] },
  topic: trimmedNonEmptyString(200),
  accountId: { type: 'string', maxLength: 100 },
  address: { type: 'string', maxLength: MAX_ADDRESS_LENGTH },
};

/** `?channel=&topic=&address=&accountId=` for GET /v1/customers/{id}/consent, and each bulk question. */
@PrecheckedBy({ type: 'object', additionalProperties: false, required: ['channel', 'topic'], properties: QUESTION_PROPERTIES })
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
