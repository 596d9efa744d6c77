// The buffering state: a recording whose download stalls partway plays up to what arrived, says it
// is waiting (visibly and to screen readers), and goes on by itself when the rest comes.
import { expect, fixture, html } from '@open-wc/testing';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { announcement, nextEvent, part } from './element-fixtures.js';
import { screenRecording, type ScreenStep } from '../helpers/screen-recording.js';

/** Serves `bytes` through the held-stream test server: the first `at` bytes now, the rest on release. */
async function heldStream(bytes: Uint8Array, at: number): Promise<{ url: string; release: () => Promise<void> }> {
  const response = await fetch(`/__held-stream?at=${at}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
  const { url } = (await response.json()) as { url: string };
  return { url, release: async () => void (await fetch(`${url}/release`, { method: 'POST' })) };
}

describe('<desktop-recording-player> while the recording is still arriving', () => {
  it('waits at the end of what arrived, shows and announces it, and plays on when the rest comes', async () => {
    // 12 s: a 64×64 tile every second, two parts per second of recording so the stall falls between parts.
    const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
    for (let second = 0; second <= 12; second++) steps.push({ timeMs: second * 1000, tile: { left: (second % 4) * 64, top: 0, color: [second * 20, 100, 200] } });
    const bytes = await screenRecording(steps, { partSize: 400 });
    const { url, release } = await heldStream(bytes, Math.floor(bytes.length / 2));

    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 640px"></desktop-recording-player>`);
    const canPlay = nextEvent(element, 'canplay');
    element.src = url;
    await canPlay;
    element.playbackRate = 8;
    const waiting = nextEvent(element, 'waiting');
    await element.play();
    await waiting;
    await element.updateComplete;

    const edge = element.buffered.end(0);
    expect(edge, 'only part of the recording arrived').to.be.above(0).and.below(12);
    expect(element.currentTime).to.be.closeTo(edge, 0.5);
    expect(element.paused, 'waiting is not pausing').to.equal(false);
    expect(element.ended).to.equal(false);
    const status = part(element, 'status');
    expect(status.hidden).to.equal(false);
    expect(status.textContent!.trim()).to.equal('Waiting for more of the recording…');
    expect(announcement(element)).to.equal('Waiting for more of the recording…');

    const playing = nextEvent(element, 'playing');
    await release();
    await playing;
    await element.updateComplete;
    expect(status.hidden, 'the indicator goes once playback goes on').to.equal(true);
    await nextEvent(element, 'ended');
    expect(element.currentTime).to.equal(12);
    expect(element.duration).to.equal(12);
  });
});
