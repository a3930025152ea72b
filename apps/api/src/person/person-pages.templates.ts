import { ConfirmationView, ConsentStatus, OrgPresentation, PreferenceChange, PreferenceView } from '@app/domain';
import { html } from './html';
import { pageLayout } from './page-layout';

const channelName = (channel: string) => (channel === 'EMAIL' ? 'email' : channel === 'SMS' ? 'text messages' : channel.toLowerCase());

/** The preference page: the link's topic with its own button, every topic as a checkbox, and "everything". */
export function preferencePage(view: PreferenceView, action: string): string {
  const channel = channelName(view.channel);
  const linkTopic = view.topics.find((t) => t.topic === view.linkTopic);
  return pageLayout(
    view.org,
    'Your preferences',
    html`<h1>Your ${channel} preferences</h1>
<p class="muted">${view.maskedAddress ? html`For <strong>${view.maskedAddress}</strong>` : `For your ${channel}`}</p>
${
  linkTopic?.subscribed
    ? html`<section aria-labelledby="one-topic">
<h2 id="one-topic" class="muted" style="font-size:1rem;margin:0">You were sent this message about <strong>${linkTopic.topic}</strong>.</h2>
<form method="post" action="${action}">
<input type="hidden" name="action" value="topic">
<button type="submit" class="primary">Unsubscribe from ${linkTopic.topic}</button>
</form>
</section>`
    : null
}
<section>
<form method="post" action="${action}">
<fieldset>
<legend>What you receive by ${channel}</legend>
${
  view.topics.length
    ? view.topics.map(
        (t, i) => html`<div class="choice"><input type="checkbox" id="topic-${i}" name="subscribed" value="${t.topic}"${t.subscribed ? html` checked` : null}><label for="topic-${i}">${t.topic}</label></div>`,
      )
    : html`<p class="muted">Nothing yet.</p>`
}
</fieldset>
<button type="submit" name="action" value="save" class="primary">Save my choices</button>
<button type="submit" name="action" value="everything" class="secondary">Unsubscribe from everything by ${channel}</button>
</form>
</section>`,
  );
}

const verb = (status: ConsentStatus) => (status === ConsentStatus.OPTIN ? 'Subscribed to' : 'Unsubscribed from');

/** After a save: what changed, and the way back. */
export function savedPage(org: OrgPresentation, changes: PreferenceChange[], back: string): string {
  return pageLayout(
    org,
    'Preferences saved',
    html`<h1 tabindex="-1" id="saved">Your choices are saved</h1>
<section role="status">
${
  changes.length
    ? html`<ul class="changes">${changes.map((c) => html`<li>${verb(c.status)} <strong>${c.topic}</strong></li>`)}</ul>`
    : html`<p>Nothing changed: your choices were already recorded.</p>`
}
</section>
<p><a href="${back}">Back to your preferences</a></p>`,
  );
}

/** Any link optline did not sign, or for someone it no longer knows: says nothing more. */
export function invalidLinkPage(): string {
  return pageLayout(null, 'Link not valid', html`<h1>This link is not valid</h1><p>It may be incomplete or out of date. Use the link in a more recent message.</p>`);
}

export function badRequestPage(org: OrgPresentation | null, message: string): string {
  return pageLayout(org, 'Not saved', html`<h1>Nothing was saved</h1><p>${message}</p>`);
}

const CONFIRMATION_ENDINGS: Record<Exclude<ConfirmationView['state'], 'pending'>, { title: string; text: string }> = {
  confirmed: { title: 'Subscription confirmed', text: 'Thank you: your subscription is confirmed.' },
  expired: { title: 'Link expired', text: 'This confirmation link has expired. Subscribe again to get a new one.' },
  closed: { title: 'Nothing to confirm', text: 'There is no subscription waiting for confirmation here any more.' },
};

/**
 * The confirm page of a double opt-in. While the request waits it shows one button (a form POST):
 * opening the link confirms nothing, since mail scanners open links too.
 */
export function confirmPage(view: ConfirmationView, action: string): string {
  const channel = channelName(view.channel);
  const what = html`${view.topic ? html`<strong>${view.topic}</strong> by ${channel}` : channel}${
    view.maskedAddress ? html` at <strong>${view.maskedAddress}</strong>` : null
  }`;
  if (view.state !== 'pending') {
    const ending = CONFIRMATION_ENDINGS[view.state];
    return pageLayout(view.org, ending.title, html`<h1 tabindex="-1" id="confirmation">${ending.title}</h1><section role="status"><p>${ending.text}</p></section>`);
  }
  return pageLayout(
    view.org,
    'Confirm your subscription',
    html`<h1>Confirm your subscription</h1>
<p>Please confirm that you want to receive ${what}.</p>
<form method="post" action="${action}">
<button type="submit" class="primary">Yes, subscribe me</button>
</form>
<p class="muted">If you did not ask for this, ignore this message: nothing will be sent.</p>`,
  );
}
