// `npm run build` generates packages/element/custom-elements.json from the element's JSDoc
// (@fires, @slot, @csspart, @cssprop) and its lit properties.
export default {
  globs: ['packages/element/src/face-mesh.ts', 'packages/element/src/events.ts'],
  outdir: 'packages/element',
  litelement: true,
  dev: false,
  plugins: [
    {
      // The analyzer also lists every `dispatchEvent(new X())` call as a nameless event; the named
      // @fires entries above the class are the documentation.
      name: 'named-events-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            if (decl.events) decl.events = decl.events.filter((e) => e.name && e.name !== 'detail');
            // Lit's internal `state: true` properties are listed as attributes by the analyzer; an HTML
            // attribute name has no capitals, so those are not attributes.
            if (decl.attributes) decl.attributes = decl.attributes.filter((a) => a.name === a.name.toLowerCase());
          }
        }
      },
    },
  ],
};
