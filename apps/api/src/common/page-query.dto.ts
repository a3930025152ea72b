import { IsSafeInteger } from './safe-integer.validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, Max, Min } from 'class-validator';

/** `?limit=&offset=` for every paginated list: 20 by default, at most 200 a page. */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 20, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsSafeInteger()
  @Min(1)
  @Max(200)
  limit: number = 20;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsSafeInteger()
  @Min(0)
  offset: number = 0;
}
