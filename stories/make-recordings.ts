// Recordings the stories build in the page, with the project's own format layer: the writer (V1
// parts, gzip) and the TDP encoder. Screen images are drawn on an OffscreenCanvas and sent as PNG
// tiles (TDP PngFrame), as Teleport 9–14 recorded them.
import { RecordingWriter, V2_HEADER_BYTES, FLAG_ENCRYPTED, concatBytes, encodeTdp, timestampOfMs, type AuditEventInit, type TdpMessage } from '../src/format/index.js';

const T0 = Date.UTC(2026, 0, 15, 9, 30, 0);
/** Screens are sent in tiles of at most this size, so no record comes near the 64 KiB limit. */
const TILE = 256;

/** A `blob:` URL of the bytes (the stories pass recordings to the player as URLs). */
export function blobUrlOf(bytes: Uint8Array): string {
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
}

class EventList {
  readonly events: AuditEventInit[] = [];

  /** A DesktopRecording event carrying one TDP message, `ms` after the start. */
  tdp(ms: number, message: TdpMessage): void {
    this.events.push({
      case: 'desktopRecording',
      value: {
        metadata: { index: BigInt(this.events.length), type: 'desktop.recording', time: timestampOfMs(T0 + ms), clusterName: 'storybook' },
        message: encodeTdp(message),
        delayMilliseconds: BigInt(ms),
      },
    });
  }

  /** The canvas sent as PngFrame tiles (from `left`, `top` of the screen). */
  async tiles(ms: number, canvas: OffscreenCanvas, left = 0, top = 0): Promise<void> {
    for (let y = 0; y < canvas.height; y += TILE) {
      for (let x = 0; x < canvas.width; x += TILE) {
        const width = Math.min(TILE, canvas.width - x);
        const height = Math.min(TILE, canvas.height - y);
        const tile = new OffscreenCanvas(width, height);
        tile.getContext('2d')!.drawImage(canvas, x, y, width, height, 0, 0, width, height);
        const png = new Uint8Array(await (await tile.convertToBlob({ type: 'image/png' })).arrayBuffer());
        this.tdp(ms, { kind: 'pngFrame', left: left + x, top: top + y, right: left + x + width, bottom: top + y + height, png });
      }
    }
  }

  bytes(): Uint8Array {
    const writer = new RecordingWriter({ partSize: 256 * 1024 });
    return concatBytes([...this.events.flatMap((event) => writer.write(event)), ...writer.finish()]);
  }
}

/** The screens of `resizeRecording()`: the remote desktop is resized twice (TDP ClientScreenSpec). */
export const resizeScreens = [
  { atMs: 0, width: 800, height: 450, color: '#1864ab' },
  { atMs: 5000, width: 1280, height: 720, color: '#2b8a3e' },
  { atMs: 10000, width: 640, height: 480, color: '#862e9c' },
] as const;
const RESIZE_END_MS = 15000;

/**
 * A 15 s recording whose remote screen changes size mid-session: 800×450, then 1280×720 at 0:05,
 * then 640×480 at 0:10. Each screen shows its size; a clock tile counts the time and the pointer
 * circles.
 */
export async function resizeRecording(): Promise<Uint8Array> {
  const list = new EventList();
  for (const [i, screen] of resizeScreens.entries()) {
    const { atMs, width, height, color } = screen;
    const endMs = resizeScreens[i + 1]?.atMs ?? RESIZE_END_MS;
    list.tdp(atMs, { kind: 'screenSpec', width, height });
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.fillStyle = color;
    context.fillRect(0, 0, width, height);
    context.strokeStyle = '#ffffff40';
    for (let x = 64; x < width; x += 64) context.strokeRect(x, -1, 0, height + 2);
    for (let y = 64; y < height; y += 64) context.strokeRect(-1, y, width + 2, 0);
    context.strokeStyle = '#fff';
    context.lineWidth = 6;
    context.strokeRect(3, 3, width - 6, height - 6);
    context.fillStyle = '#fff';
    context.textAlign = 'center';
    context.font = `bold ${Math.round(height / 6)}px system-ui, sans-serif`;
    context.fillText(`${width} × ${height}`, width / 2, height / 2);
    context.font = `${Math.round(height / 20)}px system-ui, sans-serif`;
    context.fillText(`screen ${i + 1} of ${resizeScreens.length}, from 0:${String(atMs / 1000).padStart(2, '0')}`, width / 2, height / 2 + height / 8);
    await list.tiles(atMs, canvas);
    // A clock in the top-left corner, every half second; the pointer circles every 100 ms.
    const clock = new OffscreenCanvas(128, 40);
    const clockContext = clock.getContext('2d')!;
    for (let ms = atMs; ms < endMs; ms += 100) {
      const angle = (ms / 1000) * Math.PI;
      list.tdp(ms, { kind: 'mouseMove', x: Math.round(width / 2 + Math.cos(angle) * width / 4), y: Math.round(height * 0.75 + Math.sin(angle) * height / 10) });
      if (ms % 500 !== 0) continue;
      clockContext.fillStyle = '#111';
      clockContext.fillRect(0, 0, clock.width, clock.height);
      clockContext.fillStyle = '#fff';
      clockContext.font = 'bold 24px ui-monospace, monospace';
      clockContext.fillText(`0:${(ms / 1000).toFixed(1).padStart(4, '0')}`, 14, 29);
      await list.tiles(ms, clock, 16, 16);
    }
  }
  list.tdp(RESIZE_END_MS, { kind: 'mouseMove', x: 10, y: 10 });
  return list.bytes();
}

/**
 * A recording made with Teleport's recording encryption (RFD 127): its part has a V2 header with
 * the encrypted flag, and its body is an `age` file (here: its header line and random bytes, since
 * only the cluster's keys could make or open a real one). The player cannot play it and says so.
 */
export function encryptedRecording(): Uint8Array {
  const body = concatBytes([new TextEncoder().encode('age-encryption.org/v1\n'), crypto.getRandomValues(new Uint8Array(4096))]);
  const header = new Uint8Array(V2_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setBigUint64(0, 2n); // ProtoVersion 2
  view.setBigUint64(8, BigInt(body.length)); // PartSize
  view.setBigUint64(16, 0n); // PaddingSize
  header[24] = FLAG_ENCRYPTED; // Flags; 7 reserved zero bytes follow
  return concatBytes([header, body]);
}
