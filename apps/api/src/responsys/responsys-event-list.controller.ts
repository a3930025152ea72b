import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ResponsysExceptionFilter } from './responsys-exception.filter';
import { toEventListBody } from './responsys.mapper';
import { RESPONSYS_PREFIX } from './responsys.prefix';

/** The event catalogue: every type optline emits or ingests, with its channel. */
@ApiTags('Responsys notifications')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(ResponsysExceptionFilter)
@Controller(RESPONSYS_PREFIX)
export class ResponsysEventListController {
  @Get('eventList')
  @ApiOperation({ summary: 'Every event type, with its channel and a one-line description' })
  eventList() {
    return toEventListBody();
  }
}
