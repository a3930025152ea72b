import { PrecheckedBy } from '../../common/schema-precheck';
import { NestedObject } from '../../common/nested-object.validator';
import { IsSafeInteger } from '../../common/safe-integer.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { numberToString } from '../../common/transforms';
import { ConsentQuestionDto, QUESTION_PROPERTIES } from './consent-question.dto';

/** A campaign tool checks an audience before a send: 1,000 questions a request is the unit it batches by. */
export const MAX_DECISION_QUESTIONS = 1000;

export class CustomerIdentifierDto {
  @ApiProperty({ description: 'An identifier type as registered (mobile, email, externalId, wechat, martjackId, fbId ...)', example: 'email' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  type: string;

  @ApiProperty({ example: 'tom@example.com' })
  @Transform(numberToString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  value: string;
}

/**
 * A question names its customer one way only: two ways could name two customers. Checked on
 * customerId whenever it is given or nothing is, so the error carries the item's path.
 */
const NamesOneCustomer = () =>
  ValidateBy({
    name: 'namesOneCustomer',
    validator: {
      validate: (_value, args) => {
        const question = args?.object as DecisionQuestionDto;
        return (question.customerId === undefined) !== (question.identifier === undefined);
      },
      defaultMessage: () => 'give exactly one of customerId and identifier',
    },
  });

/** One question of POST /v1/consent/decisions: the single endpoint's question plus its customer. */
export class DecisionQuestionDto extends ConsentQuestionDto {
  @ApiPropertyOptional({ description: 'optline customer id; give this or identifier', example: 42 })
  @ValidateIf((q: DecisionQuestionDto) => q.customerId !== undefined || q.identifier === undefined)
  @NamesOneCustomer()
  @IsSafeInteger()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  customerId?: number;

  @ApiPropertyOptional({ type: CustomerIdentifierDto, description: 'Give this or customerId; its first registered owner in any source' })
  @IsOptional()
  @IsObject()
  @NestedObject()
  @Type(() => CustomerIdentifierDto)
  identifier?: CustomerIdentifierDto;
}

/**
 * The bodies a campaign tool sends in the common form (ids or string identifiers, upper-case
 * channels, trimmed topics), which the DTO below accepts unchanged: they skip class-validator.
 * Anything else (a lower-case channel, a numeric identifier, a mistake) goes through the DTO.
 */
const QUESTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'topic'],
  properties: {
    ...QUESTION_PROPERTIES,
    customerId: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    identifier: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'value'],
      properties: { type: { type: 'string', minLength: 1, maxLength: 50 }, value: { type: 'string', minLength: 1, maxLength: 320 } },
    },
  },
  oneOf: [
    { required: ['customerId'], not: { required: ['identifier'] } },
    { required: ['identifier'], not: { required: ['customerId'] } },
  ],
};

@PrecheckedBy({
  type: 'object',
  additionalProperties: false,
  required: ['questions'],
  properties: { questions: { type: 'array', minItems: 1, maxItems: MAX_DECISION_QUESTIONS, items: QUESTION_SCHEMA } },
})
export class ConsentDecisionsDto {
  @ApiProperty({ type: [DecisionQuestionDto], minItems: 1, maxItems: MAX_DECISION_QUESTIONS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISION_QUESTIONS)
  @NestedObject({ each: true })
  @Type(() => DecisionQuestionDto)
  questions: DecisionQuestionDto[];
}
