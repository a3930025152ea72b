import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsNumber, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/**
 * Left out, a field takes its default; null is no figure at all and is refused (400), so a stored
 * program never holds a null where the points engine meant a number.
 */
const IsOptional = () => ValidateIf((_object, value) => value !== undefined);

/** A points amount: finite, within what the ledger of any points engine holds; 0 when left out. */
const Amount = () =>
  applyDecorators(
    ApiPropertyOptional({ default: 0, example: 0 }),
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(-1e15),
    Max(1e15),
  );

/**
 * `PUT /v1/customers/{id}/loyalty/{programId}`: one program's figures, as the points engine holds
 * them. The write replaces the program's figures whole: a field left out is its default.
 */
export class LoyaltyFiguresDto {
  @Amount() loyaltyPoints: number = 0;
  @Amount() lifetimePoints: number = 0;
  @Amount() redeemed: number = 0;
  @Amount() expired: number = 0;
  @Amount() returned: number = 0;
  @Amount() adjusted: number = 0;
  @Amount() cumulativePurchases: number = 0;

  @ApiPropertyOptional({ example: 52350728, description: "The customer's id in the points engine" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  loyaltyId?: number;

  @ApiPropertyOptional({ example: 'Gold' }) @IsOptional() @IsString() @MaxLength(100) currentSlab: string = '';

  @ApiPropertyOptional({ example: 2, description: "The current slab's serial number" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  slabSNo?: number;

  @ApiPropertyOptional({ example: '2117-12-29T23:59:59+05:30', description: 'ISO 8601, kept as sent' })
  @IsOptional()
  @IsISO8601({ strict: true })
  slabExpiryDate?: string;

  @ApiPropertyOptional({ example: 'Platinum' }) @IsOptional() @IsString() @MaxLength(100) nextSlab: string = '';

  @ApiPropertyOptional({ example: 3, default: -1, description: '-1 when there is no next slab' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(1000)
  nextSlabSerialNumber: number = -1;

  @ApiPropertyOptional({ example: 'Platinum tier' }) @IsOptional() @IsString() @MaxLength(500) nextSlabDescription: string = '';
}

export class LoyaltyProgramResponseDto extends LoyaltyFiguresDto {
  @ApiProperty({ example: 1, description: 'The customer the figures are stored for (the survivor, for a merged id)' }) customerId: number;
  @ApiPropertyOptional({ example: 1, description: 'Set when the id named a merged customer' }) mergedInto?: number;
  @ApiProperty({ example: 1219 }) programId: number;
  @ApiProperty({ example: '2026-11-22T10:30:00.000Z' }) updatedAt: string;
}
