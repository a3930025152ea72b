import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';

/** A ledger row as the change log shows it: victims' rows say which merged customer they came from. */
export type ChangeLogEntry = ConsentLedgerEntry & { mergedFrom: number | null };

/**
 * Reads consent history. A merge leaves the victim's ledger where it is (it still replays to the
 * victim's frozen state); the survivor's change log reads it from there.
 */
@Injectable()
export class ConsentHistoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The customer's ledger and those of the customers merged into it, newest first. */
  async changeLog(
    orgId: string,
    customerId: number,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; entries: ChangeLogEntry[] }> {
    const [entries, total] = await this.dataSource
      .getRepository(ConsentLedgerEntry)
      .createQueryBuilder('l')
      .where('l.org_id = :orgId', { orgId })
      .andWhere(
        '(l.customer_id = :customerId OR l.customer_id IN (SELECT c.id FROM customers c WHERE c.org_id = :orgId AND c.merged_into = :customerId))',
        { customerId },
      )
      .orderBy('l.id', 'DESC')
      .take(page.limit)
      .skip(page.offset)
      .getManyAndCount();
    return {
      total,
      entries: entries.map((e) => Object.assign(e, { mergedFrom: e.customerId === customerId ? null : e.customerId })),
    };
  }
}
