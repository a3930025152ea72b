import { NestedObject } from '../../common/nested-object.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { commaList, IsResponsysName } from './names';

export class FilterValueDto {
  @ApiProperty({ type: [String], example: ['vk_campaign_failed'] })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  campaignNames: string[];
}

export class FilterDto {
  @ApiProperty({ type: [String], example: ['EMAIL_FAILED'] })
  @IsArray()
  @IsString({ each: true })
  eventTypes: string[];

  @ApiProperty({ type: [FilterValueDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @NestedObject({ each: true })
  @Type(() => FilterValueDto)
  values: FilterValueDto[];
}

/**
 * POST and PUT body (on PUT a name, if sent, must equal the path's). The pages spell the fields `callBackName`/`eventTypes` and `callbackName`/`eventNames`:
 * both are accepted. Emptiness, status values and event types are checked by the domain, so that
 * each failure answers with the page's exact text.
 */
export class SubscriptionDto {
  @ApiPropertyOptional({ example: 'Email_Subscription', description: 'Required on create (or its alias name)' })
  @IsOptional()
  @IsResponsysName()
  subscriptionName?: string;

  @ApiPropertyOptional({ description: 'Alias of subscriptionName (Oracle pages)' })
  @IsOptional()
  @IsResponsysName()
  name?: string;

  @ApiPropertyOptional({ example: 'Email_Callback' })
  @IsOptional()
  @IsString()
  callBackName?: string;

  @ApiPropertyOptional({ description: 'Alias of callBackName' })
  @IsOptional()
  @IsString()
  callbackName?: string;

  @ApiPropertyOptional({ type: [String], example: ['EMAIL_BOUNCED'] })
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Alias of eventTypes' })
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  eventNames?: string[];

  @ApiPropertyOptional({ enum: ['ACTIVE', 'PAUSED'], description: 'Required on update; ACTIVE by default on create' })
  @Allow()
  status?: unknown;

  @ApiPropertyOptional({ example: 'Maintenance window' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  statusReason?: string;

  @ApiPropertyOptional({ type: [FilterDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @NestedObject({ each: true })
  @Type(() => FilterDto)
  filters?: FilterDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 100 })
  @Allow()
  batchSize?: unknown;

  /**
   * Read-only: shown in every response, accepted and ignored on the way in, so that a client can
   * PUT back the body a GET returned (the callback's URL is set on the callback).
   */
  @ApiPropertyOptional({ readOnly: true, description: 'Ignored: set it on the callback' })
  @IsOptional()
  @IsString()
  callBackUrl?: string;
}
