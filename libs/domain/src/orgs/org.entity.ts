import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A tenant. Every other row carries an org id, and every query is scoped by it. */
@Entity('orgs')
export class Org {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true })
  slug: string;

  /** Region for national phone numbers (RU reads 8 900 ... as +7 900 ...); null: the env default. */
  @Column({ name: 'phone_region', type: 'text', nullable: true })
  phoneRegion: string | null;

  /** How the pages a person opens (unsubscribe, preferences) name the org; null: its slug. */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  /** An https logo shown on those pages, and their accent colour (#rrggbb); null: none, the default. */
  @Column({ name: 'logo_url', type: 'text', nullable: true })
  logoUrl: string | null;

  @Column({ name: 'accent_color', type: 'text', nullable: true })
  accentColor: string | null;

  /** Requests per second each of the org's keys may send; null: RATE_LIMIT_KEY_PER_SECOND. */
  @Column({ name: 'rate_limit_per_second', type: 'integer', nullable: true })
  rateLimitPerSecond: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
