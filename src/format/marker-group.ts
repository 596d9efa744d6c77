import type { Marker } from './timeline.js';

/**
 * What kind of point of interest a marker is, for people: failures, alerts and errors first
 * (`alert`), then `clipboard`, `directory` (shares and file transfers) and `session` (the rest).
 * The rail's tick colours (`--drp-marker-<group>`) and the evidence bundle's event log use it.
 */
export function markerGroup({ type, detail }: Marker): 'alert' | 'clipboard' | 'directory' | 'session' {
  if (detail.success === false || /alert|error/.test(type)) return 'alert';
  return /clipboard/.test(type) ? 'clipboard' : /directory/.test(type) ? 'directory' : 'session';
}
