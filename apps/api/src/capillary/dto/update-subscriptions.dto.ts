import { NestedObject } from '../../common/nested-object.validator';
import { IsSafeInteger } from '../../common/safe-integer.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { CapillaryCode, code } from '../capillary-codes';
import { CAPILLARY_CHANNEL_NAMES, PRIORITIES, SUBSCRIPTION_TYPES } from '../capillary-channels';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value);
const numericString = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

export class ScopeDto {
  @ApiProperty({ enum: ['USER', 'ALL'] })
  @Transform(upper)
  @IsIn(['USER', 'ALL'], { message: (a) => `Invalid scope ${String(a.value)}`, ...code(CapillaryCode.INVALID_SCOPE) })
  scope: string;

  @ApiPropertyOptional({ example: 'NONE' })
  @IsOptional()
  @IsString({ ...code(CapillaryCode.INVALID_SCOPE) })
  subScope?: string;
}

export class SubscriptionItemDto {
  @ApiProperty({ enum: CAPILLARY_CHANNEL_NAMES, description: 'MOBILE is an alias of SMS' })
  @Transform(upper)
  @IsIn(CAPILLARY_CHANNEL_NAMES, {
    message: (a) => `Invalid channel ${String(a.value)}`,
    ...code(CapillaryCode.INVALID_CHANNEL),
  })
  channel: string;

  @ApiProperty({ enum: PRIORITIES })
  @Transform(upper)
  @IsIn(PRIORITIES, { message: (a) => `Invalid priority ${String(a.value)}`, ...code(CapillaryCode.INVALID_PRIORITY) })
  priority: string;

  @ApiProperty({ enum: SUBSCRIPTION_TYPES })
  @Transform(upper)
  @IsIn(SUBSCRIPTION_TYPES, { message: (a) => `Invalid status ${String(a.value)}`, ...code(CapillaryCode.INVALID_STATUS) })
  type: string;

  @ApiPropertyOptional({ default: '' })
  @IsOptional()
  @Transform(asString)
  @IsString()
  @MaxLength(100)
  accountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(asString)
  @IsString()
  @MaxLength(100)
  orgUnitId?: string;

  @ApiPropertyOptional({ example: 'FACEBOOK' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sourceName?: string;
}

export class UpdateSubscriptionsDto {
  @ApiPropertyOptional({ example: -1 })
  @IsOptional()
  @Transform(numericString)
  @IsSafeInteger({ message: 'Invalid communication id', ...code(CapillaryCode.INVALID_REQUEST) })
  communicationId?: number;

  @ApiPropertyOptional({ example: -1 })
  @IsOptional()
  @Transform(numericString)
  @IsSafeInteger({ message: (a) => `Invalid campaign id ${String(a.value)}`, ...code(CapillaryCode.INVALID_CAMPAIGN_ID) })
  campaignId?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ type: ScopeDto })
  @IsOptional()
  @NestedObject()
  @Type(() => ScopeDto)
  scope?: ScopeDto;

  @ApiProperty({ type: [SubscriptionItemDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'No subscriptions passed', ...code(CapillaryCode.INVALID_REQUEST) })
  @ArrayMaxSize(100)
  @NestedObject({ each: true })
  @Type(() => SubscriptionItemDto)
  subscriptions: SubscriptionItemDto[];
}
