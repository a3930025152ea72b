import { BatchState } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEnum, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

export class DeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: BatchState })
  @IsOptional()
  @IsEnum(BatchState)
  state?: BatchState;
}

export class ReplayDto {
  @ApiProperty({ description: 'Replay events that occurred at or after this instant (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @Type(() => Date)
  @IsDate()
  since: Date;
}

export class RedeliverDto {
  @ApiPropertyOptional({
    description: 'Redeliver even though newer batches of the subscription were delivered since; the webhook then carries "outOfOrder": true',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  outOfOrder?: boolean;
}
