import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { fileStamp } from '../format-time.js';
import type { CaptureFrameOptions, ExportVideoOptions } from '../player-types.js';
import { fill, type Strings } from '../strings.js';

/** What the output needs of the element: its public API and its texts. */
export interface OutputHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly currentTime: number;
  readonly duration: number;
  readonly recording: { sessionId?: string };
  captureFrame(options?: CaptureFrameOptions): Promise<Blob>;
  exportVideo(options?: ExportVideoOptions): Promise<Blob>;
}

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
  #host: OutputHost;
  #strings: () => Strings;
  #say: (text: string) => void;
  #toastTimer = 0;
  /** Cancels the export the controls started, while it runs. */
  #exportController: AbortController | undefined;
  #selectLink = false;

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
  toggleExport = async (): Promise<void> => {
    if (this.#exportController) {
      this.#exportController.abort();
      return;
    }
    const host = this.#host;
    const s = this.#strings();
    const controller = new AbortController();
    this.#exportController = controller;
    this.#progress(0);
    const name = `${host.recording.sessionId || 'recording'}-${fileStamp(0)}-${fileStamp(host.duration)}.mp4`;
    clearTimeout(this.#toastTimer);
    let toast: { text: string };
    try {
      download(await host.exportVideo({ signal: controller.signal, onProgress: (fraction) => this.#progress(fraction) }), name);
      toast = { text: s.exported };
    } catch (error) {
      toast = { text: error instanceof DOMException && error.name === 'AbortError' ? s.exportCancelled : fill(s.exportFailed, error instanceof Error ? error.message : String(error)) };
    } finally {
      this.#exportController = undefined;
    }
    this.#progress(undefined);
    this.#show(toast, EXPORT_TOAST_MS);
    this.#say(toast.text);
  };

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
