import { html, nothing, type TemplateResult } from 'lit';
import { ReadyState } from '../../playback-state.js';
import { clamp } from '../controllers/scrubbing.js';
import { describePosition, formatClock } from '../format-time.js';
import { icons } from '../icons.js';
import { markerOfTick } from '../marker-rail.js';
import { markerTableOf } from '../../worker/worker-client.js';
import { fill } from '../strings.js';
import { button } from './button.js';
import type { PlayerView } from './view.js';

/** The speed menu and the `<` / `>` keys step through these. */
export const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4, 8, 16, 32];
/** Seconds: a live recording played this close to its live edge is at the edge ("Live", not "Go live"). */
export const LIVE_EDGE_SLACK = 2;

/** The built-in controls: the timeline (activity strip, seek slider, marker ticks, tooltip) over the button bar. */
export function controlsTemplate(view: PlayerView, hidden: boolean): TemplateResult {
  const { host, engine, scrubbing, thumbnails, autoHide, panels, output, actions, s } = view;
  const snapshot = engine.snapshot;
  const current = scrubbing.time ?? snapshot.currentTimeMs / 1000;
  const duration = Number.isFinite(snapshot.durationMs) ? snapshot.durationMs / 1000 : 0;
  const percent = (seconds: number): number => (duration > 0 ? clamp((seconds / duration) * 100, 0, 100) : 0);
  const rate = snapshot.playbackRate;
  const speeds = SPEEDS.includes(rate) ? SPEEDS : [...SPEEDS, rate].sort((a, b) => a - b);
  const noMedia = snapshot.readyState === ReadyState.HaveNothing;
  const fullscreen = document.fullscreenElement === host;
  const start = snapshot.startDateMs;
  // The rail and ticks read the markers' columns: 100,000 markers are made objects only when `markers` is read.
  const markers = markerTableOf(snapshot);
  // Markers, activity and idle time are known only as far as the download in order has read (the rail hatches the rest).
  const unread = duration > 0 && snapshot.bufferedMs < snapshot.durationMs;
  const seekToMarker = (event: Event): void => {
    const marker = markerOfTick(markers, event);
    if (marker) actions.seekWithin(marker.timeMs / 1000);
  };
  const panelButton = (name: 'markers' | 'info' | 'help', icon = icons[name]) =>
    button(name, s[name], icon, () => panels.toggle(name), { expanded: panels.open === name });
  // Styles that change go in as properties (`.style=`, set through the CSSOM): a bound `style`
  // attribute would be blocked on pages whose Content-Security-Policy has no 'unsafe-inline'.
  return html`
    <div
      class="controls ${hidden ? 'controls--hidden' : ''}"
      part="controls"
      @pointerenter=${() => autoHide.pointerInControls(true)}
      @pointerleave=${() => autoHide.pointerInControls(false)}
    >
      ${view.textSearch?.box()}
      <div class="timeline" part="timeline" @pointermove=${(event: PointerEvent) => thumbnails.point(event, markerOfTick(markers, event))} @pointerleave=${thumbnails.leave}>
        ${view.activity.render()}
        <div
          class="slider"
          part="slider"
          role="slider"
          tabindex="0"
          aria-label=${s.seek}
          aria-valuemin="0"
          aria-valuemax=${Math.floor(duration)}
          aria-valuenow=${Math.floor(current)}
          aria-valuetext=${describePosition(current, duration, s) + (unread ? knownNote(view, snapshot.bufferedMs / 1000) : '')}
          aria-disabled=${noMedia ? 'true' : 'false'}
          .style=${`--played:${percent(current)}%;--buffered:${percent(snapshot.bufferedMs / 1000)}%`}
          @pointerdown=${scrubbing.start}
          @pointermove=${scrubbing.move}
          @pointerup=${scrubbing.end}
          @pointercancel=${scrubbing.end}
        ></div>
        ${view.markerRail.render(markers, snapshot.durationMs, percent, view.activity.columns, seekToMarker)}
        ${view.review.loaded?.lanes(snapshot.markers, snapshot.durationMs, view.activity.columns, seekToMarker)}
        ${view.review.loaded?.rail(percent)}
        ${view.textSearch?.railHits(snapshot.durationMs, view.activity.columns)}
        <div class="tooltip" part="tooltip" aria-hidden="true" ?hidden=${!thumbnails.hover}><canvas class="thumbnail" part="thumbnail" hidden></canvas>${thumbnails.hover?.text}</div>
      </div>
      <div class="bar">
        ${button('play', snapshot.paused ? s.play : s.pause, snapshot.paused ? icons.play : icons.pause, actions.togglePlay, { disabled: !actions.hasSource() })}
        <button type="button" class="time" part="button time-button" title=${s.timeToggle} ?disabled=${start === null} @click=${() => (host.wallClock = !host.wallClock)}>
          ${host.wallClock && start !== null ? actions.clockAt(current) : snapshot.live ? formatClock(current) : `${formatClock(current)} / ${formatClock(duration)}`}
        </button>
        ${snapshot.live ? liveBadge(view, duration - current <= LIVE_EDGE_SLACK) : nothing}
        <span class="spacer"></span>
        <label class="visually-hidden" for="speed">${s.speed}</label>
        <select id="speed" class="speed" part="speed" title=${s.speed} @change=${(event: Event) => (host.playbackRate = Number((event.target as HTMLSelectElement).value))}>
          ${speeds.map((speed) => html`<option value=${speed} ?selected=${speed === rate}>${speed}×</option>`)}
        </select>
        ${button('idle', s.idle, icons.idle, actions.toggleIdle, { pressed: host.idleLimit > 0 })}
        ${view.textSearch?.button()}
        ${panelButton('markers')}
        ${view.review.loaded?.button()}
        ${panelButton('info')}
        ${button('capture', s.capture, icons.capture, output.capture, { disabled: snapshot.readyState < ReadyState.HaveCurrentData })}
        ${typeof VideoEncoder === 'function' // no WebCodecs here, no export in the worker either
          ? button('export', output.running?.kind === 'video' ? s.cancelExport : s.exportVideo, icons.exportVideo, output.toggleExport, {
              pressed: output.running?.kind === 'video',
              disabled: snapshot.readyState < ReadyState.HaveCurrentData || (!!output.running && output.running.kind !== 'video'),
            })
          : nothing}
        ${snapshot.readyState < ReadyState.HaveCurrentData ? nothing : output.evidenceButton(view)}
        ${button('link', s.link, icons.link, output.copyLink, { disabled: noMedia })}
        ${panelButton('help')}
        ${document.fullscreenEnabled
          ? button('fullscreen', fullscreen ? s.exitFullscreen : s.fullscreen, fullscreen ? icons.exitFullscreen : icons.fullscreen, actions.toggleFullscreen, { pressed: fullscreen })
          : nothing}
      </div>
    </div>
  `;
}

/** What the slider says of time not read yet (`partial-knowledge.ts`, a chunk loaded the first time there is such time). */
let partialKnowledge: typeof import('../partial-knowledge.js') | undefined;
let partialKnowledgeLoading: Promise<void> | undefined;
function knownNote(view: PlayerView, knownSeconds: number): string {
  partialKnowledgeLoading ??= import('../partial-knowledge.js').then(
    (module) => {
      partialKnowledge = module;
      view.host.requestUpdate();
    },
    () => (partialKnowledgeLoading = undefined),
  );
  return partialKnowledge?.sliderNote(view, knownSeconds) ?? '';
}

/** The live badge: "Live" at the live edge (not actionable there), else a "Go live" button. */
function liveBadge({ actions, s }: PlayerView, atEdge: boolean): TemplateResult {
  const label = atEdge ? s.live : s.goLive;
  return html`<button type="button" class="live ${atEdge ? 'live--edge' : ''}" part="button live" title=${label} aria-disabled=${atEdge ? 'true' : 'false'} @click=${actions.goLive}>
    ${label}
  </button>`;
}

/** The export's progress, with its cancel button. */
export function exportProgress({ output, s }: PlayerView): TemplateResult | typeof nothing {
  const fraction = output.exporting;
  return fraction === undefined
    ? nothing
    : html`<div class="toast toast--export" part="toast export-progress">
        <label>${fill(output.running!.progress, `${Math.floor(fraction * 100)} %`)} <progress max="1" .value=${fraction}></progress></label>
        <button type="button" part="button cancel-button" @click=${output.toggleExport}>${s.cancel}</button>
      </div>`;
}
