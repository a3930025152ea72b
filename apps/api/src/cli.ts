import 'reflect-metadata';
import { AppConfigModule, loadConfig } from '@app/config';
import { DatabaseModule, runMigrations } from '@app/database';
import { DomainModule, EventNotifier, OrgBranding, OrgsService, OutboxOnlyNotifier, reencryptSecrets, SecretBox, verifyConsentLedger } from '@app/domain';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';

/** Events the CLI writes (merges found by respelling) wait in the outbox for the worker's sweeper. */
@Global()
@Module({ providers: [{ provide: EventNotifier, useClass: OutboxOnlyNotifier }], exports: [EventNotifier] })
class NoEventsModule {}

@Module({ imports: [AppConfigModule, DatabaseModule, NoEventsModule, DomainModule] })
class CliModule {}

const USAGE = `Usage: npm run cli -- <command>
  migrate                 apply pending database migrations
  org:create <slug>       create an org and print its first API key
  key:create <slug>       print a new API key for an org
  key:list <slug>         list an org's keys (id, prefix, created, revoked)
  key:revoke <key-id>     revoke a key; it stops working within 5 seconds
  consent:verify [slug]   replay the consent ledger (of one org, or all) and compare it with the
                          stored state; prints each mismatch, exits 1 on any
  org:phone-region <slug> <REGION|none>
                          read the org's national phone numbers in REGION (RU, IN ...), or
                          with none in DEFAULT_PHONE_REGION; stored numbers are read again
  org:rate-limit <slug> <per-second|default>
                          requests per second each of the org's keys may send, or with default
                          RATE_LIMIT_KEY_PER_SECOND; API processes see it within 5 seconds
  org:branding <slug> [--name <text>] [--logo-url <https URL>] [--accent <#rrggbb>]
                          how the person's pages present the org; none as a value goes back
                          to the default; without options, prints the branding as it is
  secrets:reencrypt       seal every stored callback password and signing secret with the first
                          key of SECRETS_KEYS (after a rotation, or once SECRETS_KEYS is set)`;

async function withApp<T>(work: (app: { get: <S>(type: new (...args: any[]) => S) => S }) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

const withOrgs = <T>(work: (orgs: OrgsService) => Promise<T>) => withApp((app) => work(app.get(OrgsService)));

/** Replays the ledger and prints what disagrees with the stored state; 1 when anything does. */
async function verifyConsent(slug: string | undefined): Promise<number> {
  const report = await withApp(async (app) => {
    const orgIds = slug ? [(await app.get(OrgsService).findBySlug(slug)).id] : undefined;
    return verifyConsentLedger(app.get(DataSource), orgIds);
  });
  for (const m of report.mismatches) console.log(`MISMATCH org ${m.orgId} customer ${m.customerId} ${m.key}: ${m.problem}`);
  console.log(
    `Replayed ${report.ledgerRows} ledger rows of ${report.customers} customers (${report.keys} keys): ` +
      (report.mismatches.length ? `${report.mismatches.length} mismatch(es)` : 'state equals the ledger'),
  );
  return report.mismatches.length ? 1 : 0;
}

const BRANDING_OPTIONS: Record<string, keyof OrgBranding> = { '--name': 'displayName', '--logo-url': 'logoUrl', '--accent': 'accentColor' };

/** `--name X --logo-url U --accent C` as the branding fields they change (none: back to the default); null when malformed. */
function brandingOptions(args: string[]): Partial<OrgBranding> | null {
  const asked: Partial<OrgBranding> = {};
  for (let i = 0; i < args.length; i += 2) {
    const field = BRANDING_OPTIONS[args[i]];
    const value = args[i + 1];
    if (!field || value === undefined) return null;
    asked[field] = value.toLowerCase() === 'none' ? null : value;
  }
  return asked;
}

async function main(argv: string[]): Promise<number> {
  const [command, arg, second] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      const applied = await runMigrations(config.database.url);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
      return 0;
    }
    case 'org:create':
    case 'key:create': {
      if (!arg) break;
      const issued = await withOrgs((orgs) => (command === 'org:create' ? orgs.createOrg(arg) : orgs.createKey(arg)));
      console.log(`org:    ${issued.orgSlug}\nkey id: ${issued.id}\nkey:    ${issued.key}\n(the key is shown this once)`);
      return 0;
    }
    case 'key:list': {
      if (!arg) break;
      const keys = await withOrgs((orgs) => orgs.listKeys(arg));
      for (const k of keys) {
        console.log(`${k.id}  ${k.keyPrefix}…  created ${k.createdAt.toISOString()}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`);
      }
      return 0;
    }
    case 'org:phone-region': {
      if (!arg || !second) break;
      const change = await withOrgs((orgs) => orgs.setPhoneRegion(arg, second.toLowerCase() === 'none' ? null : second));
      const { customer_identifiers: ids, consents } = change.respelled;
      console.log(
        `org:     ${change.orgSlug}\nregion:  ${change.effective ?? 'none'}${change.setting ? '' : ' (DEFAULT_PHONE_REGION)'}\n` +
          `respelled: ${ids.respelled} identifiers (${ids.removed} duplicates removed), ` +
          `${consents.respelled} consent addresses (${consents.removed} duplicates removed)`,
      );
      return 0;
    }
    case 'org:rate-limit': {
      if (!arg || !second) break;
      const perSecond = second.toLowerCase() === 'default' ? null : /^\d{1,9}$/.test(second) ? Number(second) : NaN;
      await withOrgs((orgs) => orgs.setRateLimit(arg, perSecond));
      console.log(`org:        ${arg}\nrate limit: ${perSecond ?? 'RATE_LIMIT_KEY_PER_SECOND'} requests per second per key`);
      return 0;
    }
    case 'org:branding': {
      if (!arg) break;
      const asked = brandingOptions(argv.slice(2));
      if (!asked) break;
      const branding = await withOrgs((orgs) => (Object.keys(asked).length ? orgs.setBranding({ slug: arg }, asked) : orgs.branding({ slug: arg })));
      console.log(
        `org:      ${branding.slug}\nname:     ${branding.displayName ?? `(the slug, ${branding.slug})`}\n` +
          `logo URL: ${branding.logoUrl ?? '(none)'}\naccent:   ${branding.accentColor ?? '(the default)'}`,
      );
      return 0;
    }
    case 'secrets:reencrypt': {
      if (!config.secretsKeys.length) {
        console.error('SECRETS_KEYS is not set: there is no key to encrypt with');
        return 1;
      }
      const report = await withApp((app) => reencryptSecrets(app.get(DataSource), new SecretBox(config.secretsKeys)));
      console.log(`re-encrypted: ${report.reencrypted} secrets with key ${config.secretsKeys[0].kid}\nalready current: ${report.current}`);
      return 0;
    }
    case 'key:revoke': {
      if (!arg) break;
      await withOrgs((orgs) => orgs.revokeKey(arg));
      console.log(`Revoked ${arg}`);
      return 0;
    }
    case 'consent:verify':
      return verifyConsent(arg);
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
