import { MarkerTable, type MarkerColumns } from '../format/marker-store.js';
import type { Marker } from '../format/timeline.js';
import type { MetadataMessage } from './protocol.js';

/**
 * The page's copy of a load's markers, continued from the columns each metadata message carries (a
 * chunk, loaded when the first markers come: a recording without any needs none of it).
 */
export class PageMarkers extends MarkerTable {
  /** Continues the list with the markers the worker's store copied from where the page has it. */
  append({ times, kinds, texts, strings, objects }: MarkerColumns): void {
    for (const string of strings) this.strings.push(string);
    for (const [index, marker] of objects) this.objects.set(index, marker);
    times.forEach((timeMs, at) => this.add(timeMs, kinds[at]!, texts[at]!));
  }

  /** 0 for a marker kept as an object, else the kind of TDP alert or error (made from its columns when read). */
  kindAt(index: number): number {
    return this.kinds.get(index);
  }

  /** The first `count` markers as objects: a snapshot read after more markers came has only those it had. */
  first(count: number): Marker[] {
    return count === this.length ? this.list() : this.list().slice(0, count);
  }

  /** A marker kept as an object replaced (a transfer that grew): lists already handed out keep the old one. */
  revise(index: number, marker: Marker): void {
    this.objects.set(index, marker);
    this.built = undefined;
  }
}

/**
 * The load's markers after a metadata message: a new store when a new load starts the list, else
 * `markers` continued (its list of objects made afresh when read after a change).
 */
export function withMarkers(markers: PageMarkers | undefined, { markersFrom, markers: added, revised }: Pick<MetadataMessage, 'markersFrom' | 'markers' | 'revised'>): PageMarkers {
  if (!markers || markersFrom === 0) markers = new PageMarkers();
  markers.append(added);
  for (const [index, marker] of revised) markers.revise(index, marker);
  return markers;
}
