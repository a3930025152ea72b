import { CUSTOMER_SOURCES, IDENTIFIER_TYPES, MULTI_ACCOUNT_SOURCES } from '@app/domain';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { integerString, trimmed } from '../../common/transforms';
import { PageQueryDto } from '../../common/page-query.dto';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { CapillaryCode, code } from '../capillary-codes';

export const EMBEDS = ['points', 'subscriptions', 'mlp'] as const;
export type Embed = (typeof EMBEDS)[number];

/** `points,"mlp"` -> ['points', 'mlp']: the page quotes its embed values, and spaces are harmless. */
const embedList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((e) => e.trim().replace(/"/g, '')).filter((e) => e !== '') : value;

const unknownEmbeds = (value: unknown) => (Array.isArray(value) ? value.filter((e) => !(EMBEDS as readonly string[]).includes(e)) : [value]);

/** Every embed value is one the fetch knows; the message names the ones it does not. */
const IsKnownEmbed = () =>
  ValidateBy({
    name: 'isKnownEmbed',
    validator: {
      validate: (value) => unknownEmbeds(value).length === 0,
      defaultMessage: (args) => `Unknown embed ${unknownEmbeds(args?.value).join(', ')}: expected ${EMBEDS.join(', ')}`,
    },
  });

/** One check, so that a missing q is one error: 1 to 100 characters after trimming. */
const IsSearchText = () =>
  ValidateBy({
    name: 'isSearchText',
    validator: {
      validate: (value) => typeof value === 'string' && value.length >= 1 && value.length <= 100,
      defaultMessage: () => 'q is required: the start of a name or identifier, 1 to 100 characters',
    },
  });

const needsAccount = (o: { source?: string }) => MULTI_ACCOUNT_SOURCES.includes(o.source ?? '');

/** `?source=&accountId=` for registration: a real source, and an account for WECHAT and FACEBOOK. */
export class RegisterQueryDto {
  @ApiProperty({ enum: CUSTOMER_SOURCES })
  @IsIn(CUSTOMER_SOURCES, { message: 'Source is invalid', ...code(CapillaryCode.SOURCE_INVALID_LOOKUP) })
  source: string;

  @ApiPropertyOptional({ description: 'Required for WECHAT and FACEBOOK' })
  @ValidateIf(needsAccount)
  @IsString()
  @IsNotEmpty({ message: 'Account id is not passed', ...code(CapillaryCode.ACCOUNT_ID_MISSING) })
  accountId?: string;

  @IsOptional() @IsString() format?: string;
}

/** `?source=&accountId=&embed=` for fetching a customer; ALL returns every profile. */
export class FetchQueryDto {
  @ApiProperty({ enum: [...CUSTOMER_SOURCES, 'ALL'] })
  @IsIn([...CUSTOMER_SOURCES, 'ALL'], { message: 'Source is invalid', ...code(CapillaryCode.SOURCE_INVALID_FETCH) })
  source: string;

  @ApiPropertyOptional()
  @ValidateIf(needsAccount)
  @IsString()
  @IsNotEmpty({ message: 'Account id is not passed', ...code(CapillaryCode.ACCOUNT_ID_MISSING) })
  accountId?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'Comma-separated, any combination: `points` (loyaltyInfo.pointsSummary), `mlp` (loyaltyInfo.loyaltyProgramDetails), `subscriptions` (subscriptionInfo)',
    example: 'points,subscriptions,mlp',
  })
  @IsOptional()
  @Transform(embedList)
  @IsKnownEmbed()
  embed?: Embed[];

  @IsOptional() @IsString() format?: string;
}

/** `?source=&accountId=&identifierName=&identifierValue=` for lookups. */
export class LookupQueryDto {
  @ApiProperty({ enum: [...CUSTOMER_SOURCES, 'ALL'] })
  @IsIn([...CUSTOMER_SOURCES, 'ALL'], { message: 'Source is invalid', ...code(CapillaryCode.SOURCE_INVALID_LOOKUP) })
  source: string = 'ALL';

  @ApiPropertyOptional()
  @ValidateIf(needsAccount)
  @IsString()
  @IsNotEmpty({ message: 'Account id is not passed', ...code(CapillaryCode.ACCOUNT_ID_MISSING) })
  accountId?: string;

  @ApiProperty({ enum: IDENTIFIER_TYPES })
  @IsIn(IDENTIFIER_TYPES, {
    message: 'Customer identifier is invalid. Also check if the parameter identifierName is passed correctly',
    ...code(CapillaryCode.INVALID_IDENTIFIER),
  })
  identifierName: string;

  @ApiProperty()
  @IsString({ ...code(CapillaryCode.INVALID_IDENTIFIER) })
  @IsNotEmpty({ message: 'Customer identifier is invalid', ...code(CapillaryCode.INVALID_IDENTIFIER) })
  @IsPhoneNumberLike(
    { message: 'Customer identifier is invalid: not a mobile number', ...code(CapillaryCode.INVALID_IDENTIFIER) },
    (query) => (query as LookupQueryDto).identifierName === 'mobile',
  )
  identifierValue: string;

  @IsOptional() @IsString() format?: string;
}

/** `?q=&limit=&offset=&source=&accountId=` for searching customers by name or identifier prefix. */
export class SearchQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'First name, last name or identifier value prefix, any case', example: 'tom' })
  @Transform(trimmed)
  @IsSearchText()
  q: string;

  @ApiPropertyOptional({ enum: [...CUSTOMER_SOURCES, 'ALL'], description: 'Narrows to one source; ALL (the default) searches every source' })
  @IsOptional()
  @IsIn([...CUSTOMER_SOURCES, 'ALL'], { message: 'Source is invalid', ...code(CapillaryCode.SOURCE_INVALID_LOOKUP) })
  source?: string;

  @ApiPropertyOptional({ description: 'Required with WECHAT and FACEBOOK' })
  @ValidateIf(needsAccount)
  // Only the page's 8045 when it is missing (a query value is a string whenever it is there).
  @IsNotEmpty({ message: 'Account id is not passed', ...code(CapillaryCode.ACCOUNT_ID_MISSING) })
  accountId?: string;

  @IsOptional() @IsString() format?: string;
}

/** `?programId=` for loyaltyDetails: one program, or all when omitted. */
export class LoyaltyDetailsQueryDto {
  @ApiPropertyOptional({ example: 1219 })
  @IsOptional()
  @Transform(integerString)
  @IsInt({ message: 'programId must be a positive integer' })
  @Min(1, { message: 'programId must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'programId must be a positive integer' })
  programId?: number;

  @IsOptional() @IsString() format?: string;
}

/** Paging for the change log (Capillary also sends `format`). */
export class ChangeLogQueryDto extends PageQueryDto {
  @IsOptional() @IsString() format?: string;
}
