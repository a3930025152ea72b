import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { sealedColumn } from '../secrets/secret-box';

/** Where webhooks go (the Responsys callback model), with the secret that signs them. */
@Entity('callbacks')
export class Callback {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column()
  name: string;

  @Column()
  url: string;

  /** Used after 3 failed attempts on the primary URL. */
  @Column({ name: 'backup_url', type: 'text', nullable: true })
  backupUrl: string | null;

  @Column({ name: 'auth_user', type: 'text', nullable: true })
  authUser: string | null;

  /** Kept reversible because it must be sent to the consumer as Basic auth; sealed at rest (SECRETS_KEYS). */
  @Column({ name: 'auth_password', type: 'text', nullable: true, transformer: sealedColumn('auth_password') })
  authPassword: string | null;

  /** Standard Webhooks secret, `whsec_<base64>`; sealed at rest (SECRETS_KEYS). */
  @Column({ name: 'signing_secret', type: 'text', transformer: sealedColumn('signing_secret') })
  signingSecret: string;

  /** The secret before the last rotation, still used to sign until it expires. */
  @Column({ name: 'previous_signing_secret', type: 'text', nullable: true, transformer: sealedColumn('previous_signing_secret') })
  previousSigningSecret: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
