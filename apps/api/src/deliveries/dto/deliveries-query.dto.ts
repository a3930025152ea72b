import { BatchState } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ enum: BatchState })
  @IsOptional()
  @IsEnum(BatchState)
  state?: BatchState;

  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;
}

export class ReplayDto {
  @ApiProperty({ description: 'Replay events that occurred at or after this instant (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @Type(() => Date)
  @IsDate()
  since: Date;
}
