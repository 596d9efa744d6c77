// Headless Chromium for the Node tests that drive a page through puppeteer-core: where it is, why a
// test is skipped when it is missing, and a launch with the flags it needs here.
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer-core';

const tools = (await import(new URL('../tools/chromium.mjs', import.meta.url).href)) as {
  chromiumFlags: string[];
  findChromium(): string | undefined;
  missingChromiumMessage(): string;
};

export const chromiumPath = tools.findChromium();

/** `false` when Chromium is there; otherwise the skip reason, with how to install it. */
export const chromiumMissing: string | false = chromiumPath ? false : `no Chromium found. ${tools.missingChromiumMessage().replace(/\s*\n\s*/g, ' ')}`;

/** Launches headless Chromium with the project's flags (root, no GPU, closed network). */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return puppeteer.launch({ executablePath: chromiumPath, args: tools.chromiumFlags, headless: true, ...options });
}
