// Shared-directory transfers and clipboard as tracks, on the 2-minute sample (report.pdf read in 10
// chunks at 0:25, clipboard received at 0:51): one transfer marker, its reads on demand in the
// marker list, the lanes under the rail, and `[` / `]` going from transfer to transfer.
import { expect } from '@open-wc/testing';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { part, player, pressAndSeek } from './element-fixtures.js';

const SAMPLE = '/demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar';

describe('<desktop-recording-player> transfers and clipboard', function () {
  this.timeout(60_000);
  let element: DesktopRecordingPlayer;

  beforeEach(async () => {
    element = await player(SAMPLE);
    // The lanes and transfer rows are a chunk loaded once the markers show a transfer: wait for it to be drawn.
    while (!element.shadowRoot!.querySelector("[part~='lanes']")) await new Promise((resolve) => requestAnimationFrame(resolve));
  });

  it('has one transfer marker for the 10 reads of report.pdf, with the reads in it', () => {
    const transfers = element.markers.filter((marker) => marker.transfer);
    expect(transfers).to.have.length(1);
    const { transfer, label, time } = transfers[0]!;
    expect(label).to.equal('report.pdf — read 572 KB in 10 reads, 0:25–0:25');
    expect(transfer!.path).to.equal('C:\\Users\\alice\\Shared\\report.pdf');
    expect(transfer!.direction).to.equal('read');
    expect(transfer!.bytes).to.equal(4096 + 8 * 65536 + 56872);
    expect(transfer!.count).to.equal(10);
    expect([transfer!.start, transfer!.end]).to.deep.equal([25.715, 25.861]);
    expect(time).to.equal(transfer!.start);
    expect(transfer!.operations.map((read) => read.label)[1]).to.equal('File read: C:\\Users\\alice\\Shared\\report.pdf (65,536 bytes at offset 4,096)');
  });

  it('draws a transfer lane and a clipboard lane under the rail; a bar seeks to its marker', async () => {
    const read = part(element, 'lane-bar-read');
    const receive = part(element, 'lane-bar-receive');
    const rail = part(element, 'slider').getBoundingClientRect();
    const at = (bar: HTMLElement) => (bar.getBoundingClientRect().left - rail.left) / rail.width;
    expect(at(read)).to.be.closeTo(25.715 / element.duration, 0.01);
    expect(at(receive)).to.be.closeTo(51.333 / element.duration, 0.01);
    expect(part(element, 'lane-transfers').contains(read)).to.equal(true);
    expect(part(element, 'lane-clipboard').contains(receive)).to.equal(true);
    // The lanes sit under the rail's line, and above the activity strip.
    expect(read.getBoundingClientRect().top).to.be.greaterThan(rail.top + rail.height / 2);
    expect(receive.getBoundingClientRect().bottom).to.be.at.most(part(element, 'activity').getBoundingClientRect().top);
    const seeked = new Promise((resolve) => element.addEventListener('seeked', resolve, { once: true }));
    receive.click();
    await seeked;
    expect(element.currentTime).to.be.closeTo(51.333, 0.001);
  });

  it('lists the transfer as one row; its reads open under it and close again', async () => {
    part(element, 'markers-button').click();
    await element.updateComplete;
    const panel = part(element, 'markers-panel');
    const labels = () => [...panel.querySelectorAll('li')].map((row) => row.textContent!.replace(/\s+/g, ' ').trim());
    expect(labels().filter((text) => text.includes('report.pdf'))).to.deep.equal(['0:25 report.pdf — read 572 KB in 10 reads, 0:25–0:25 ▸']);
    const expand = panel.querySelector<HTMLButtonElement>('[aria-expanded]')!;
    expect(expand.getAttribute('aria-expanded')).to.equal('false');
    expect(expand.getAttribute('aria-label')).to.equal('10 operations');
    expand.click();
    await element.updateComplete;
    expect(expand.getAttribute('aria-expanded')).to.equal('true');
    const reads = panel.querySelectorAll('.marker-list__operation');
    expect(reads.length).to.equal(10);
    expect(reads[9]!.textContent).to.contain('56,872 bytes at offset 528,384');
    expect(panel.querySelectorAll('li')[0]!.getAttribute('aria-setsize')).to.equal(String(element.markers.length + 10));
    expand.click();
    await element.updateComplete;
    expect(panel.querySelectorAll('.marker-list__operation').length).to.equal(0);
  });

  it('[ and ] step from the share to the transfer to the clipboard', async () => {
    element.currentTime = 10;
    await new Promise((resolve) => element.addEventListener('seeked', resolve, { once: true }));
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.be.closeTo(25.715, 0.001);
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.be.closeTo(51.333, 0.001);
    await pressAndSeek(element, '[');
    expect(element.currentTime).to.be.closeTo(25.715, 0.001);
  });
});
