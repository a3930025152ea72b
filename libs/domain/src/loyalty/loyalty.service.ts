import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActorContext } from '../common/actor';
import { ResolvedCustomer } from '../customers/customer-references';
import { CustomerIdentitiesService } from '../customers/customer-identities.service';
import { LoyaltyFigures, LoyaltyProgram } from './loyalty-program.entity';

export interface RecordedLoyalty extends ResolvedCustomer {
  program: LoyaltyProgram;
}

/**
 * Loyalty figures per customer and program. The points engine is the system of record: each write
 * replaces one program's figures whole, and readers get them as last written.
 */
@Injectable()
export class LoyaltyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identities: CustomerIdentitiesService,
  ) {}

  /** Stores one program's figures; given a merged customer's id, for the survivor it was merged into. */
  async record(actor: ActorContext, customerId: number, programId: number, figures: LoyaltyFigures): Promise<RecordedLoyalty> {
    const current = await this.identities.current(actor.orgId, customerId);
    const key = { orgId: actor.orgId, customerId: current.customerId, programId };
    const repository = this.dataSource.getRepository(LoyaltyProgram);
    await repository.upsert({ ...figures, ...key, updatedBy: actor.apiKeyId, updatedAt: new Date() }, ['orgId', 'customerId', 'programId']);
    return { ...current, program: await repository.findOneByOrFail(key) };
  }

  /** The customer's programs (one, when `programId` is given), lowest program id first. */
  async programs(orgId: string, customerId: number, programId?: number): Promise<LoyaltyProgram[]> {
    return this.dataSource.getRepository(LoyaltyProgram).find({
      where: { orgId, customerId, ...(programId === undefined ? {} : { programId }) },
      order: { programId: 'ASC' },
    });
  }
}
