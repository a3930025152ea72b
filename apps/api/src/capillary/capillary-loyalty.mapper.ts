import { LoyaltyProgram } from '@app/domain';

/** One program's figures in the page's names (pointsSummary, loyaltyDetails and the mlp embed). */
export function toPointsSummary(program: LoyaltyProgram) {
  return {
    redeemed: program.redeemed,
    expired: program.expired,
    returned: program.returned,
    adjusted: program.adjusted,
    lifetimePoints: program.lifetimePoints,
    loyaltyPoints: program.loyaltyPoints,
    cumulativePurchases: program.cumulativePurchases,
    loyaltyId: program.loyaltyId,
    currentSlab: program.currentSlab,
    nextSlab: program.nextSlab,
    nextSlabSerialNumber: program.nextSlabSerialNumber,
    nextSlabDescription: program.nextSlabDescription,
    slabSNo: program.slabSerialNumber,
    slabExpiryDate: program.slabExpiryDate,
  };
}

export const toProgramDetails = (program: LoyaltyProgram) => ({ ...toPointsSummary(program), programId: program.programId });

/** The summary of a customer with no figures: the page's own zero sample. */
const NO_POINTS: ReturnType<typeof toPointsSummary> = {
  redeemed: 0,
  expired: 0,
  returned: 0,
  adjusted: 0,
  lifetimePoints: 0,
  loyaltyPoints: 0,
  cumulativePurchases: 0,
  loyaltyId: null,
  currentSlab: '',
  nextSlab: '',
  nextSlabSerialNumber: -1,
  nextSlabDescription: '',
  slabSNo: null,
  slabExpiryDate: null,
};

/**
 * embed=points: one summary, as Capillary gives for an org's default program. optline has no
 * notion of a default, so it is the customer's first program (lowest id; `programs` come sorted).
 */
export const pointsSummaryOf = (programs: LoyaltyProgram[]) => (programs.length ? toPointsSummary(programs[0]) : NO_POINTS);
