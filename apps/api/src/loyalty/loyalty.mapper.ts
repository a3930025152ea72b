import { LoyaltyFigures, RecordedLoyalty } from '@app/domain';
import { LoyaltyFiguresDto } from './dto/loyalty-figures.dto';

export function toLoyaltyFigures(dto: LoyaltyFiguresDto): LoyaltyFigures {
  return {
    loyaltyPoints: dto.loyaltyPoints,
    lifetimePoints: dto.lifetimePoints,
    redeemed: dto.redeemed,
    expired: dto.expired,
    returned: dto.returned,
    adjusted: dto.adjusted,
    cumulativePurchases: dto.cumulativePurchases,
    loyaltyId: dto.loyaltyId ?? null,
    currentSlab: dto.currentSlab,
    slabSerialNumber: dto.slabSNo ?? null,
    slabExpiryDate: dto.slabExpiryDate ?? null,
    nextSlab: dto.nextSlab,
    nextSlabSerialNumber: dto.nextSlabSerialNumber,
    nextSlabDescription: dto.nextSlabDescription,
  };
}

/** The stored figures under the names they were sent with. */
export function toLoyaltyProgramResponse({ customerId, mergedInto, program }: RecordedLoyalty) {
  return {
    customerId,
    ...(mergedInto === null ? {} : { mergedInto }),
    programId: program.programId,
    loyaltyPoints: program.loyaltyPoints,
    lifetimePoints: program.lifetimePoints,
    redeemed: program.redeemed,
    expired: program.expired,
    returned: program.returned,
    adjusted: program.adjusted,
    cumulativePurchases: program.cumulativePurchases,
    loyaltyId: program.loyaltyId,
    currentSlab: program.currentSlab,
    slabSNo: program.slabSerialNumber,
    slabExpiryDate: program.slabExpiryDate,
    nextSlab: program.nextSlab,
    nextSlabSerialNumber: program.nextSlabSerialNumber,
    nextSlabDescription: program.nextSlabDescription,
    updatedAt: program.updatedAt.toISOString(),
  };
}
