import { APP_CONFIG, AppConfig } from '@app/config';
import { OrgsService } from '@app/domain';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

/** Creates BOOTSTRAP_ORG with BOOTSTRAP_API_KEY at start when missing (development and compose). */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orgs: OrgsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrap) return;
    await this.orgs.bootstrap(this.config.bootstrap.org, this.config.bootstrap.apiKey);
    this.logger.log(`Bootstrap org ${this.config.bootstrap.org} is ready`);
  }
}
