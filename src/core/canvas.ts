/**
 * What the engine paints on: an OffscreenCanvas (in the worker, or in the page), or, in a browser
 * without OffscreenCanvas, the page's own canvas element, which the in-page engine is given as is.
 */
export type PaintSurface = OffscreenCanvas | HTMLCanvasElement;

/** The 2D context of either kind; both have the drawing API the engine uses. */
export function context2d(surface: PaintSurface, settings?: CanvasRenderingContext2DSettings): OffscreenCanvasRenderingContext2D {
  return (surface as OffscreenCanvas).getContext('2d', settings)!;
}

/** The surface's pixels as an image file. */
export function encodeSurface(surface: PaintSurface, type: string, quality?: number): Promise<Blob> {
  if ('convertToBlob' in surface) return surface.convertToBlob(quality === undefined ? { type } : { type, quality });
  return new Promise((resolve, reject) =>
    surface.toBlob((blob) => (blob ? resolve(blob) : reject(new DOMException(`the screen could not be encoded as ${type}`, 'EncodingError'))), type, quality),
  );
}

/** A canvas of the engine's own (keyframe building), where the browser can make one off the page. */
export function createOffscreenSurface(): OffscreenCanvas | undefined {
  return typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : undefined;
}
