import type { Marker } from '../format/timeline.js';
import { fileName, sizeIn } from '../format/transfers.js';
import { formatClock } from './format-time.js';
import { fill, type Strings } from './strings.js';

/**
 * A marker's one line in the element's language, built from its type and detail. The worker's
 * English `label` stays the fallback for event types this table does not know.
 */
export function markerLabel(marker: Marker, s: Strings, formatNumber: (value: number) => string): string {
  const detail = marker.detail;
  const text = (key: string): string => String(detail[key] ?? '');
  const failed = detail.success === false;
  const bytes = (key: string): string => {
    const count = Number(detail[key] ?? 0);
    return count === 1 ? s.markerOneByte : fill(s.markerBytes, formatNumber(count));
  };
  const transfer = marker.transfer;
  if (transfer && transfer.count > 1) {
    const [value, unit] = sizeIn(transfer.bytes);
    // "report.pdf — read 786 KB in 12 reads, 0:25–0:27"; `detail.length` of a transfer is its bytes.
    const done = fill(s.transfer.split('|')[transfer.direction === 'read' ? 0 : 1]!, unit === 'bytes' ? bytes('length') : `${formatNumber(value)} ${unit}`, formatNumber(transfer.count));
    return `${fileName(transfer.path)} — ${done}, ${formatClock(marker.timeMs / 1000)}–${formatClock(transfer.endMs / 1000)}`;
  }
  switch (marker.type) {
    case 'windows.desktop.session.start':
      return failed ? fill(s.markerSessionFailed, text('error')) : fill(s.markerSessionStartedBy, text('user') || s.markerUnknownUser, text('desktop') || s.markerTheDesktop);
    case 'session.start':
      return s.markerSessionStarted;
    case 'windows.desktop.session.end':
    case 'session.end':
      return s.markerSessionEnded;
    case 'desktop.clipboard.send':
      return fill(s.markerClipboardSend, bytes('length'));
    case 'desktop.clipboard.receive':
      return fill(s.markerClipboardReceive, bytes('length'));
    case 'desktop.directory.share':
      return failed ? fill(s.markerShareFailed, text('directoryName'), text('error')) : fill(s.markerShared, text('directoryName'));
    case 'desktop.directory.read':
      return failed ? fill(s.markerReadFailed, text('path'), text('error')) : fill(s.markerRead, text('path'), bytes('length'), formatNumber(Number(detail.offset ?? 0)));
    case 'desktop.directory.write':
      return failed ? fill(s.markerWriteFailed, text('path'), text('error')) : fill(s.markerWritten, text('path'), bytes('length'), formatNumber(Number(detail.offset ?? 0)));
    case 'desktop.alert': {
      const severity = { info: s.markerInfo, warning: s.markerWarning, error: s.markerAlertError }[text('severity')] ?? s.markerInfo;
      return fill(severity, text('message'));
    }
    case 'desktop.error':
      return fill(s.markerAlertError, text('message'));
    default:
      return marker.label;
  }
}
