import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { BootstrapService } from './bootstrap.service';
import { AltcraftModule } from './altcraft/altcraft.module';
import { CapillaryModule } from './capillary/capillary.module';
import { EventNotifierModule } from './common/event-notifier.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { EventsModule } from './events/events.module';
import { ConsentsModule } from './consents/consents.module';
import { NativeExceptionFilter } from './common/native-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import { HealthModule } from './health/health.module';
import { IdentitiesModule } from './identities/identities.module';
import { loggerOptions } from './logger';
import { LoyaltyModule } from './loyalty/loyalty.module';
import { MetricsModule } from './metrics/metrics.module';
import { ResponsysModule } from './responsys/responsys.module';
import { WmModule } from './wm/wm.module';
import { PersonModule } from './person/person.module';
import { OrgsModule } from './orgs/orgs.module';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRoot(loggerOptions()),
    DatabaseModule,
    MetricsModule,
    EventNotifierModule,
    DomainModule,
    HealthModule,
    CapillaryModule,
    DeliveriesModule,
    ResponsysModule,
    EventsModule,
    ConsentsModule,
    AltcraftModule,
    WmModule,
    IdentitiesModule,
    LoyaltyModule,
    PersonModule,
    OrgsModule,
  ],
  providers: [
    // Registered as app providers (not in main.ts) so the test app factory gets them too.
    { provide: APP_PIPE, useFactory: () => createValidationPipe() },
    { provide: APP_FILTER, useClass: NativeExceptionFilter },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    RedisThrottlerStorage,
    RateLimiter,
    BootstrapService,
  ],
})
export class ApiModule {}
