// What each source module weighs in the initial download: builds the element and the worker as
// rollup.config.mjs does, with source maps, into a scratch folder, and attributes every byte of
// the minified output to the module it came from. `gzip` is that module's share gzipped on its
// own, an upper bound (gzip across modules shares more), good enough to rank candidates.
// Usage: node test/tools/bundle-sizes.mjs [top=25]
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rollup } from 'rollup';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';
import configs from '../../rollup.config.mjs';

const top = Number(process.argv[2] ?? 25);
const scratch = mkdtempSync(path.join(tmpdir(), 'bundle-sizes-'));
const targets = [
  { name: 'element', entry: 'desktop-recording-player.js', config: configs.find((c) => c.input === 'src/index.ts' && c.output.dir) },
  { name: 'worker', entry: 'recording.worker.js', config: configs.find((c) => c.input === 'src/worker/recording.worker.ts') },
];
const kb = (bytes) => (bytes / 1024).toFixed(1);
try {
  for (const { name, entry, config } of targets) {
    const dir = path.join(scratch, name);
    const bundle = await rollup({ ...config, onwarn: () => {} });
    await bundle.write({ ...config.output, dir, sourcemap: true });
    await bundle.close();
    const files = [entry, ...readdirSync(path.join(dir, 'chunks')).map((file) => `chunks/${file}`)].filter((f) => f.endsWith('.js'));
    for (const file of files) {
      const code = readFileSync(path.join(dir, file), 'utf8');
      const map = new TraceMap(readFileSync(path.join(dir, `${file}.map`), 'utf8'));
      const lines = code.split('\n');
      const lineStarts = [];
      for (let at = 0, i = 0; i < lines.length; at += lines[i].length + 1, i++) lineStarts.push(at);
      // Each generated segment runs to the next one; it belongs to its source (or to rollup's glue).
      const segments = [];
      eachMapping(map, (m) => segments.push({ at: lineStarts[m.generatedLine - 1] + m.generatedColumn, source: m.source ?? '(glue)' }));
      segments.sort((a, b) => a.at - b.at);
      const parts = new Map();
      segments.forEach((segment, i) => {
        const end = i + 1 < segments.length ? segments[i + 1].at : code.length;
        const name = segment.source.replace(/^.*?node_modules\//, 'npm:').replace(/^(\.\.\/)+/, '');
        parts.set(name, (parts.get(name) ?? '') + code.slice(segment.at, end));
      });
      const rows = [...parts].map(([source, text]) => ({ source, min: text.length, gzip: gzipSync(text).length })).sort((a, b) => b.gzip - a.gzip);
      console.log(`\n${name}: ${file} — ${kb(code.length)} KB minified, ${kb(gzipSync(code).length)} KB gzipped`);
      console.log('| module | minified KB | gzip alone KB |\n|---|---|---|');
      for (const row of rows.slice(0, file === entry ? top : 5)) console.log(`| ${row.source} | ${kb(row.min)} | ${kb(row.gzip)} |`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
