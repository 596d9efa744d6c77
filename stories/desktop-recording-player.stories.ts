import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/index.js';
import { sampleRecordings } from './recordings.js';

interface PlayerArgs {
  src: string;
  controls: boolean;
  autoplay: boolean;
  loop: boolean;
  playbackrate: number;
  fit: 'contain' | 'cover' | 'fill' | 'none';
  startAt: string;
}

const meta = {
  title: 'Player/desktop-recording-player',
  component: 'desktop-recording-player',
  args: { src: sampleRecordings[0]!.url, controls: true, autoplay: false, loop: false, playbackrate: 1, fit: 'contain', startAt: '' },
  argTypes: {
    src: { control: 'select', options: sampleRecordings.map((r) => r.url) },
    fit: { control: 'inline-radio', options: ['contain', 'cover', 'fill', 'none'] },
    playbackrate: { control: { type: 'select' }, options: [0.25, 0.5, 1, 2, 4, 8, 16] },
  },
  render: (args) => html`
    <desktop-recording-player
      style="width: 100%; max-width: 960px; aspect-ratio: 16 / 9; display: block"
      src=${args.src}
      ?controls=${args.controls}
      ?autoplay=${args.autoplay}
      ?loop=${args.loop}
      playbackrate=${args.playbackrate}
      fit=${args.fit}
      start-at=${args.startAt}
    ></desktop-recording-player>
  `,
} satisfies Meta<PlayerArgs>;
export default meta;

type Story = StoryObj<PlayerArgs>;

/** A 1280×720 session with the built-in controls. */
export const Default: Story = {};

/** The 1920×1080 sample, playing at once at 4×. */
export const FullHdFast: Story = { args: { src: sampleRecordings[1]!.url, autoplay: true, playbackrate: 4 } };

/** Starts at 1:00 (`start-at`), like a link to a moment of the session. */
export const StartAt: Story = { args: { startAt: '1:00' } };

/** No built-in controls: the canvas only, for an outside skin. */
export const NoControls: Story = { args: { controls: false, autoplay: true, loop: true } };

/** A file that is not a recording: the error state explains what happened. */
export const NotARecording: Story = { args: { src: 'recordings/README.md' } };
