import { CUSTOMER_SOURCES, IDENTIFIER_TYPES, MULTI_ACCOUNT_SOURCES } from '@app/domain';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { CapillaryCode, code } from '../capillary-codes';

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

  @ApiPropertyOptional({ description: 'Comma-separated; `subscriptions` adds subscriptionInfo' })
  @IsOptional()
  @IsString()
  embed?: string;

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

/** Paging for the change log (Capillary also sends `format`). */
export class ChangeLogQueryDto extends PageQueryDto {
  @IsOptional() @IsString() format?: string;
}
