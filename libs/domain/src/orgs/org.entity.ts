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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
