import { SidecarTextIndex } from '../core/text-index/sidecar.js';
import { searchTextIndex } from '../core/text-index/search.js';
import type { ParamsOf, ResultOf } from './protocol.js';

/**
 * The engine's `searchText`: a chunk loaded on the first search (most players never search), with
 * the sidecar text index it reads, fetched then too. One per engine.
 */
export function textSearcher(): (params: ParamsOf<'searchText'>) => Promise<ResultOf<'searchText'>> {
  const sidecar = new SidecarTextIndex();
  return async ({ indexUrl, query, exact, limit }) => {
    if (!indexUrl) throw new DOMException('there is no text index to search: set text-index to the recording’s .text.json', 'NotSupportedError');
    const { index, fresh } = await sidecar.load(indexUrl);
    const hits = searchTextIndex(index, query, { exact, limit });
    if (!fresh) return { hits };
    return { hits, progress: { covered: index.coveredMs / 1000, duration: index.durationMs / 1000, complete: index.coveredMs >= index.durationMs } };
  };
}
