import { DomainError, DoubleOptInService, OpenedLink, PERSON_PATHS, PersonLinksService, PersonOrigin, PersonPreferencesService, PreferenceSave } from '@app/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { FormFields, formFieldsOf } from './form-body';
import { PAGE_HEADERS } from './page-layout';
import { badRequestPage, confirmPage, invalidLinkPage, preferencePage, savedPage } from './person-pages.templates';

const ACTIONS: ReadonlyArray<PreferenceSave['action']> = ['save', 'topic', 'everything'];
const MAX_TOPICS_POSTED = 200;

/**
 * The pages a person opens from a message. No API key: the signed token in the path is the
 * credential. A GET never changes anything, since mail scanners follow links; a POST does.
 */
@ApiExcludeController()
@Public()
@Controller()
export class PersonPagesController {
  constructor(
    private readonly links: PersonLinksService,
    private readonly preferences: PersonPreferencesService,
    private readonly doubleOptIn: DoubleOptInService,
  ) {}

  /** The preference page. Fastify answers HEAD from this route with the headers only. */
  @Get('u/:token')
  async page(@Param('token') token: string, @Res() reply: FastifyReply) {
    const link = await this.links.open(token, 'unsubscribe');
    return sendView(reply, link && (await this.preferences.view(link)), (view) => preferencePage(view, PERSON_PATHS.unsubscribe(token)));
  }

  /**
   * RFC 8058 one-click, as mail providers send it: `List-Unsubscribe=One-Click`, form-url-encoded
   * or multipart. Always 200 with an empty body: a bad token records nothing and says nothing, so
   * the endpoint is no oracle for guessing tokens.
   */
  @Post('u/:token/one-click')
  @HttpCode(200)
  async oneClick(@Param('token') token: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const asked = formFieldsOf(body)['List-Unsubscribe']?.includes('One-Click');
    const link = asked ? await this.links.open(token, 'unsubscribe') : null;
    if (link) await this.preferences.oneClickUnsubscribe(link, originOf(request));
    return '';
  }

  /** The page's form: save the ticked topics, leave the link's topic, or leave everything. */
  @Post('u/:token')
  async save(@Param('token') token: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const link = await this.links.open(token, 'unsubscribe');
    if (!link) return send(reply, 404, invalidLinkPage());
    const asked = saveOf(formFieldsOf(body));
    if (!asked) return send(reply, 400, badRequestPage(await this.preferences.presentationOf(link.orgId), 'The form was incomplete.'));
    return this.saved(link, asked, originOf(request), token, reply);
  }

  /** A double opt-in's confirm page: shows the request and its button, changes nothing (HEAD neither). */
  @Get('c/:token')
  async confirmation(@Param('token') token: string, @Res() reply: FastifyReply) {
    const link = await this.links.open(token, 'confirm');
    return sendView(reply, link && (await this.doubleOptIn.view(link)), (view) => confirmPage(view, PERSON_PATHS.confirm(token)));
  }

  /** The confirm button: the waiting opt-in turns OPTIN, with the person's proof. */
  @Post('c/:token')
  async confirm(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const link = await this.links.open(token, 'confirm');
    return sendView(reply, link && (await this.doubleOptIn.confirm(link, originOf(request))), (view) => confirmPage(view, PERSON_PATHS.confirm(token)));
  }

  private async saved(link: OpenedLink, asked: PreferenceSave, origin: PersonOrigin, token: string, reply: FastifyReply) {
    try {
      const changes = await this.preferences.save(link, origin, asked);
      if (!changes) return send(reply, 404, invalidLinkPage());
      return send(reply, 200, savedPage(await this.preferences.presentationOf(link.orgId), changes, PERSON_PATHS.unsubscribe(token)));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      return send(reply, 400, badRequestPage(await this.preferences.presentationOf(link.orgId), error.message));
    }
  }
}

function send(reply: FastifyReply, status: number, page: string) {
  return reply.status(status).headers(PAGE_HEADERS).send(page);
}

/** The page of a view, or the invalid-link page when the token, or the person, is not known (any more). */
function sendView<V>(reply: FastifyReply, view: V | null, render: (view: V) => string) {
  return view ? send(reply, 200, render(view)) : send(reply, 404, invalidLinkPage());
}

/** The page's form, or null when it is not one: one known action, at most MAX_TOPICS_POSTED topics. */
function saveOf(form: FormFields): PreferenceSave | null {
  const action = form.action?.length === 1 ? ACTIONS.find((a) => a === form.action[0]) : undefined;
  const subscribed = form.subscribed ?? [];
  if (!action || subscribed.length > MAX_TOPICS_POSTED || subscribed.some((t) => t.length > 200)) return null;
  return { action, subscribed };
}

function originOf(request: FastifyRequest): PersonOrigin {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined, requestId: String(request.id) };
}
