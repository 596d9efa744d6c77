import type { Marker } from '../../format/timeline.js';
import type { ActivityStrip } from '../activity-strip.js';
import type { Announcer } from '../controllers/announcer.js';
import type { AutoHide } from '../controllers/auto-hide.js';
import type { EngineConnection } from '../controllers/engine-connection.js';
import type { Output } from '../controllers/output.js';
import type { Scrubbing } from '../controllers/scrubbing.js';
import type { HoverTooltip } from '../controllers/hover-tooltip.js';
import type { DesktopRecordingPlayer } from '../desktop-recording-player.js';
import type { MarkerRail } from '../marker-rail.js';
import type { ReviewLoader } from '../review-loader.js';
import type { ShortcutActions } from '../shortcuts.js';
import type { Strings } from '../strings.js';
import type { TextSearch } from '../text-search.js';
import type { Panels } from './panels.js';

/** What the controls and panels do besides the element's public API. */
export interface PlayerActions extends ShortcutActions {
  /** `src` or `srcObject` is set. */
  hasSource(): boolean;
  /** Skip idle time on / off (restoring the page's `idle-limit`). */
  toggleIdle(): void;
  /** To the live edge, playing. */
  goLive(): void;
  /** A position as the time display shows it: elapsed, or the time of day when that is on and known. */
  clockAt(seconds: number): string;
  /** A marker's label in the element's language. */
  markerLabel(marker: Marker): string;
  /** The element's language as an Intl locale. */
  locale(): string | undefined;
}

/** Everything the templates render from: the element, its controllers, its texts, its actions. */
export interface PlayerView {
  readonly host: DesktopRecordingPlayer;
  readonly engine: EngineConnection;
  readonly scrubbing: Scrubbing;
  readonly thumbnails: HoverTooltip;
  readonly autoHide: AutoHide;
  readonly activity: ActivityStrip;
  readonly markerRail: MarkerRail;
  readonly panels: Panels;
  readonly output: Output;
  /** Text search, once its chunk is loaded (`text-search`). */
  textSearch?: TextSearch;
  readonly announcer: Announcer;
  readonly review: ReviewLoader;
  readonly actions: PlayerActions;
  /** The texts of the element's language, as of this render. */
  s: Strings;
}
