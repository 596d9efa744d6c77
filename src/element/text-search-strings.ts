/**
 * The texts of text search, in the chunk that searches (the element's bundle and the German file
 * stay as small as they are): English and German, picked by the element's language like the rest.
 */
const en = {
  search: 'Search the screen’s text',
  searchLabel: 'Text on the screen',
  searchPlaceholder: 'Search the screen…',
  results: 'Results',
  noResults: 'No results',
  oneResult: '1 result',
  manyResults: '{0} results',
  /** While indexing: how much of the recording the results come from. */
  searched: 'searched {0} of the recording',
  indexing: 'Reading the screen’s text… {0}',
  /** While indexing and playing (reading waits for a pause). */
  searchedPlaying: 'searched {0} of the recording; the rest is read while playback is paused',
  needsSrc: 'Text search needs text-search-src: the URL of the self-hosted OCR files.',
  failed: 'The screen’s text could not be read: {0}',
  /** A websocket source without a readable sidecar: there is no file to build the index from. */
  needsFile: 'A recording played from a playback websocket is searched with its text index (text-index, made by desktop-recording index): the player reads the screen’s text itself only from the recording file.',
  /** Added to needsFile when text-index is set but could not be read. */
  sidecarFailed: ' The text index could not be read: {0}',
  helpSearch: 'Search the text on the screen',
};

export type SearchStrings = typeof en;

const de: SearchStrings = {
  search: 'Text auf dem Bildschirm suchen',
  searchLabel: 'Text auf dem Bildschirm',
  searchPlaceholder: 'Bildschirm durchsuchen…',
  results: 'Treffer',
  noResults: 'Keine Treffer',
  oneResult: '1 Treffer',
  manyResults: '{0} Treffer',
  searched: '{0} der Aufzeichnung durchsucht',
  indexing: 'Text des Bildschirms wird gelesen… {0}',
  searchedPlaying: '{0} der Aufzeichnung durchsucht; der Rest wird gelesen, während die Wiedergabe pausiert',
  needsSrc: 'Die Textsuche braucht text-search-src: die URL der selbst gehosteten OCR-Dateien.',
  failed: 'Der Text des Bildschirms konnte nicht gelesen werden: {0}',
  needsFile: 'Eine über einen Wiedergabe-Websocket abgespielte Aufzeichnung wird mit ihrem Textindex durchsucht (text-index, erstellt mit desktop-recording index): den Text des Bildschirms liest der Player selbst nur aus der Aufzeichnungsdatei.',
  sidecarFailed: ' Der Textindex konnte nicht gelesen werden: {0}',
  helpSearch: 'Text auf dem Bildschirm suchen',
};

const tables: Record<string, SearchStrings> = { en, de };

/** The search texts for a language tag (`de-AT` → German); English for any other. */
export function searchStringsFor(lang: string): SearchStrings {
  return tables[lang.toLowerCase().split(/[-_]/)[0]!] ?? en;
}
