import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ConsentKeyDto, MAX_ADDRESS_LENGTH } from '../../consents/dto/consent-key.dto';

/** A campaign tool mints the links of one send at once: 1,000 a request, as decisions. */
export const MAX_LINKS = 1000;

/** The consent key of a message; its topic may be left out (a link about every topic of the channel). */
class LinkKeyDto extends IntersectionType(OmitType(ConsentKeyDto, ['topic'] as const), PartialType(PickType(ConsentKeyDto, ['topic'] as const))) {}

export class UnsubscribeLinkItemDto extends LinkKeyDto {
  @ApiProperty({ example: 42 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  customerId: number;

  @ApiPropertyOptional({ description: 'The address the message goes to; omitted: the channel as a whole', example: 'tom@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ADDRESS_LENGTH)
  address?: string;
}

export class UnsubscribeLinksDto {
  @ApiProperty({ type: [UnsubscribeLinkItemDto], minItems: 1, maxItems: MAX_LINKS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINKS)
  @ValidateNested({ each: true })
  @Type(() => UnsubscribeLinkItemDto)
  items: UnsubscribeLinkItemDto[];
}
