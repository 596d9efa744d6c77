import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, test } from 'node:test';

// Dependencies point one way: element → worker client → protocol ← worker → core → format.
// The recorder imports nothing from the player; format and core never touch the DOM tree.
const src = 'src';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

/** Module imports of a file: relative ones resolved to paths under src/, bare ones as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)|^import\s+'([^']+)'/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3]!)
    .filter(Boolean);
  return specifiers.map((s) => (s.startsWith('.') ? relative(src, normalize(join(dirname(file), s))).replace(/\.js$/, '') : s));
}

const layerOf = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

const allowed: Record<string, (target: string) => boolean> = {
  // DOM-free layers.
  format: (t) => ['format', 'gen'].includes(layerOf(t)) || t.startsWith('@bufbuild/') || t === 'fflate',
  recorder: (t) => ['recorder', 'format', 'gen'].includes(layerOf(t)) || t.startsWith('node:'),
  // mediabunny muxes exported video (core/export, a chunk loaded on the first export); fzstd
  // decompresses QOIZ screen updates (core/fastpath); hash-wasm (@noble/hashes where a CSP forbids WebAssembly) hashes recordings incrementally
  // (the file as it is read, and the evidence bundle: chunks).
  core: (t) =>
    ['core', 'format', 'gen', 'playback-state'].includes(layerOf(t)) || t.startsWith('@bufbuild/') || t === 'fflate' || t === 'mediabunny' || t === 'fzstd' || t.startsWith('@noble/hashes/') || t === 'hash-wasm',
  // The worker is the boundary: protocol, core, shared vocabulary.
  worker: (t) => ['worker', 'core', 'format', 'playback-state'].includes(layerOf(t)) || t.startsWith('inline-worker:'),
  // The element talks to the worker client and protocol only, never to core.
  element: (t) => ['element', 'worker', 'format', 'playback-state'].includes(layerOf(t)) || t.startsWith('lit'),
  // The command: the format layer, Node built-ins and `ws`; never the player, the recorder or the demo.
  // The command indexes a recording's text with the player's own DOM-free engine parts (core: ingest, text index).
  cli: (t) => ['cli', 'core', 'format', 'gen'].includes(layerOf(t)) || t.startsWith('node:') || t === 'ws' || t === 'tesseract.js',
};

describe('architecture', () => {
  for (const [layer, isAllowed] of Object.entries(allowed)) {
    test(`${layer}/ imports only what its layer may`, () => {
      for (const file of sourceFiles(join(src, layer))) {
        for (const target of importsOf(file)) assert.ok(isAllowed(target), `${file} imports ${target}`);
      }
    });
  }

  test('feeds know nothing of playback, and the playback state table nothing of anything else', () => {
    // A new feed (another source) then plugs in without touching playback, and the state table stays testable on its own.
    // The file feed hashes what it reads (file-digest.ts).
    for (const file of sourceFiles(join(src, 'core', 'feeds'))) {
      for (const target of importsOf(file)) assert.ok(target.startsWith('core/feeds/') || layerOf(target) === 'format' || target === '@noble/hashes/sha2.js' || target === 'hash-wasm', `${file} imports ${target}`);
    }
    for (const target of importsOf(join(src, 'core', 'playback-machine.ts'))) assert.equal(target, 'playback-state', `playback-machine.ts imports ${target}`);
  });

  test('nothing in src/ imports from outside src/ (the demo, tests, tools), nor loads TypeScript at run time', () => {
    const files = sourceFiles(src);
    assert.ok(files.some((file) => file.startsWith(join(src, 'cli'))), 'src/cli is covered');
    for (const file of files) {
      for (const target of importsOf(file)) {
        assert.ok(!target.startsWith('..'), `${file} imports ${target}`);
        assert.ok(!/^tsx(\/|$)/.test(target), `${file} imports ${target}`);
      }
      const code = readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
      assert.doesNotMatch(code, /['"`]tsx(\/[^'"`]*)?['"`]|\bdemo\//, `${file} names tsx or demo/`);
    }
  });

  test('format/ and core/ never use the DOM tree', () => {
    for (const file of [...sourceFiles(join(src, 'format')), ...sourceFiles(join(src, 'core'))]) {
      const code = readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
      assert.doesNotMatch(code, /\b(document|window|HTMLElement|customElements)\b/, file);
    }
  });

  test('every property test starts from the shared seed (reproducible runs)', () => {
    for (const file of sourceFiles('test')) {
      const code = readFileSync(file, 'utf8');
      if (/\bfc\.(assert|check)\(/.test(code)) assert.match(code, /helpers\/property-seed\.js'/, `${file} runs fast-check without test/helpers/property-seed.ts`);
    }
  });
});
