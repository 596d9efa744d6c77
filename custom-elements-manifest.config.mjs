// `npm run manifest`: custom-elements.json from the element's JSDoc (published, read by Storybook and IDEs).

/**
 * The manifest documents the public API only: no private (`private`, `#`) members, no attributes
 * for internal reactive state, no events the analyzer guessed from `dispatchEvent(new Event(name))`
 * (every real one has a `@fires`), and no module-level names that are not exported.
 */
function publicApiOnly() {
  return {
    name: 'public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        const exported = new Set((mod.exports ?? []).map((entry) => entry.declaration?.name ?? entry.name));
        mod.declarations = (mod.declarations ?? []).filter((declaration) => declaration.customElement || exported.has(declaration.name));
        for (const declaration of mod.declarations) {
          const hidden = new Set((declaration.members ?? []).filter((member) => member.privacy === 'private' || member.name.startsWith('#')).map((member) => member.name));
          if (declaration.members) declaration.members = declaration.members.filter((member) => !hidden.has(member.name));
          if (declaration.attributes) {
            const attributes = new Map();
            for (const attribute of declaration.attributes) {
              if (hidden.has(attribute.fieldName)) continue;
              // `lang` is both observed (found in code) and documented (@attr): one entry.
              attributes.set(attribute.name, { ...attributes.get(attribute.name), ...attribute });
            }
            declaration.attributes = [...attributes.values()];
          }
          if (declaration.events) declaration.events = declaration.events.filter((event) => event.name && event.description);
        }
      }
    },
  };
}

export default {
  globs: ['src/element/desktop-recording-player.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
  plugins: [publicApiOnly()],
};
