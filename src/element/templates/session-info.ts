import { html, type TemplateResult } from 'lit';
import type { PlayerView } from './view.js';

/** The session info panel's body: the recording's metadata, in the element's language (part of the review tools' chunk). */
export function sessionInfo({ engine, actions, s }: PlayerView): TemplateResult {
  const r = engine.snapshot.recording;
  const dates = new Intl.DateTimeFormat(actions.locale(), { dateStyle: 'medium', timeStyle: 'long' });
  const when = (date?: Date) => date && dates.format(date);
  const rows = (
    [
      [s.user, r.user],
      [s.login, r.login],
      [s.desktop, r.desktopName],
      [s.address, r.desktopAddr],
      [s.windowsUser, r.windowsUser],
      [s.windowsDomain, r.windowsDomain],
      [s.sessionStart, when(r.sessionStart)],
      [s.sessionEnd, when(r.sessionEnd)],
      [s.participants, r.participants?.join(', ')],
      [s.recorded, r.recorded === undefined ? undefined : r.recorded ? s.yes : s.no],
      [s.sessionId, r.sessionId],
      [s.cluster, r.clusterName],
    ] as const
  ).filter(([, value]) => value);
  return rows.length ? html`<dl>${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>` : html`<p>${s.noInfo}</p>`;
}
