import { nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { fileStamp } from '../format-time.js';
import type { CaptureFrameOptions, ExportEvidenceOptions, ExportVideoOptions } from '../player-types.js';
import { fill, type Strings } from '../strings.js';
import type { PlayerView } from '../templates/view.js';

/** What the output needs of the element: its public API and its texts. */
export interface OutputHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly currentTime: number;
  readonly duration: number;
  readonly recording: { sessionId?: string };
  captureFrame(options?: CaptureFrameOptions): Promise<Blob>;
  exportVideo(options?: ExportVideoOptions): Promise<Blob>;
  exportEvidence(options?: ExportEvidenceOptions): Promise<File>;
}

/** What an export of the controls says: while it runs (`{0}`: the percentage), done, cancelled, failed (`{0}`: the error's message). */
export type ExportTexts = [progress: string, done: string, cancelled: string, failed: string];

/** How long a confirmation stays (ms): a copied link, a finished export. */
const LINK_TOAST_MS = 2500;
const EXPORT_TOAST_MS = 4000;

/** Saves `blob` as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

/**
 * What leaves the player through its controls: the current frame as PNG, the recording as MP4, a
 * link to the current time; and the toast that confirms it (or shows the link to copy by hand).
 */
export class Output implements ReactiveController {
  /** A confirmation, or (`url` set) the link to copy by hand when the clipboard refused it. */
  toast: { text: string; url?: string } | undefined;
  /** While the controls' export runs: how far it is, 0–1. */
  exporting: number | undefined;
  /** While the controls' export runs: what it makes (`video`, `evidence`) and its progress text. */
  running: { kind: string; progress: string } | undefined;
  #host: OutputHost;
  #strings: () => Strings;
  #say: (text: string) => void;
  #toastTimer = 0;
  /** Cancels the export the controls started, while it runs. */
  #exportController: AbortController | undefined;
  #selectLink = false;
  /** The evidence bundle's button and texts (`evidence.ts`), a chunk loaded once a recording shows. */
  #evidence: typeof import('../evidence.js') | undefined;
  #evidenceLoading: Promise<void> | undefined;

  constructor(host: OutputHost, strings: () => Strings, say: (text: string) => void) {
    this.#host = host;
    this.#strings = strings;
    this.#say = say;
    host.addController(this);
  }

  hostUpdated(): void {
    if (!this.#selectLink) return;
    this.#selectLink = false;
    this.#host.renderRoot.querySelector<HTMLInputElement>('.toast input')?.select();
  }

  hostDisconnected(): void {
    clearTimeout(this.#toastTimer);
  }

  /** Hides the toast; false when none was shown. A link to copy by hand gives focus back to its button. */
  dismiss(): boolean {
    const toast = this.toast;
    if (toast?.url) this.#host.renderRoot.querySelector<HTMLElement>('.link')?.focus();
    this.#show(undefined);
    return !!toast;
  }

  /** Downloads the frame at the current position as `<sessionId or 'recording'>-<hh-mm-ss>.png`. */
  capture = async (): Promise<void> => {
    const host = this.#host;
    const name = `${host.recording.sessionId || 'recording'}-${fileStamp(host.currentTime)}.png`;
    const frame = await host.captureFrame().catch(() => undefined);
    if (frame) download(frame, name);
  };

  /**
   * Exports the whole recording as H.264 MP4 and downloads it as `<sessionId or 'recording'>-<start>-<end>.mp4`
   * (times as hh-mm-ss), with progress shown; pressed again (or Cancel), cancels it.
   */
  toggleExport = (): Promise<void> => {
    const host = this.#host;
    const s = this.#strings();
    const name = `${host.recording.sessionId || 'recording'}-${fileStamp(0)}-${fileStamp(host.duration)}.mp4`;
    return this.run('video', [s.exporting, s.exported, s.exportCancelled, s.exportFailed], async (signal, onProgress) => new File([await host.exportVideo({ signal, onProgress })], name));
  };

  /** The evidence bundle's button, once its chunk is there (the first call loads it). */
  evidenceButton(view: PlayerView): TemplateResult | typeof nothing {
    // A chunk that cannot load leaves the button out (exportEvidence() says why when called).
    this.#evidenceLoading ??= import('../evidence.js').then(
      (module) => {
        this.#evidence = module;
        this.#host.requestUpdate();
      },
      () => {},
    );
    return this.#evidence?.evidenceButton(view) ?? nothing;
  }

  /**
   * Runs an export of the controls and downloads the file it makes, with progress shown, then a
   * toast; one at a time: called while one runs (its button pressed again, or Cancel), cancels it.
   */
  async run(kind: string, [progress, done, cancelled, failed]: ExportTexts, make: (signal: AbortSignal, onProgress: (fraction: number) => void) => Promise<File>): Promise<void> {
    if (this.#exportController) {
      this.#exportController.abort();
      return;
    }
    const controller = new AbortController();
    this.#exportController = controller;
    this.running = { kind, progress };
    this.#progress(0);
    clearTimeout(this.#toastTimer);
    let toast: { text: string };
    try {
      const file = await make(controller.signal, (fraction) => this.#progress(fraction));
      download(file, file.name);
      toast = { text: done };
    } catch (error) {
      toast = { text: error instanceof DOMException && error.name === 'AbortError' ? cancelled : fill(failed, error instanceof Error ? error.message : String(error)) };
    } finally {
      this.#exportController = undefined;
    }
    this.running = undefined;
    this.#progress(undefined);
    this.#show(toast, EXPORT_TOAST_MS);
    this.#say(toast.text);
  }

  /** Copies this page's address with `#t=<seconds>`; where the clipboard refuses, shows the link to copy by hand. */
  copyLink = async (): Promise<void> => {
    const s = this.#strings();
    const url = `${location.href.split('#')[0]}#t=${Math.floor(this.#host.currentTime)}`;
    clearTimeout(this.#toastTimer);
    try {
      await navigator.clipboard.writeText(url);
      this.#show({ text: s.linkCopied }, LINK_TOAST_MS);
      this.#say(s.linkCopied);
    } catch {
      this.#show({ text: s.copyManually, url });
      this.#selectLink = true;
    }
  };

  #progress(fraction: number | undefined): void {
    this.exporting = fraction;
    this.#host.requestUpdate();
  }

  /** Shows a toast (none: hides it), for `ms` when given. */
  #show(toast: { text: string; url?: string } | undefined, ms?: number): void {
    this.toast = toast;
    this.#host.requestUpdate();
    if (ms) this.#toastTimer = window.setTimeout(() => this.#show(undefined), ms);
  }
}
