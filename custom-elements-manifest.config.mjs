// `npm run build` generates packages/element/custom-elements.json from the element's JSDoc
// (@fires, @slot, @csspart, @cssprop) and its lit properties.
import { defaults } from './tools/ts-module.mjs';

const { ELEMENT_DEFAULTS } = await defaults();
/** A default as the manifest writes it: source text ('contours', 0.05, false). */
const sourceText = (v) => (typeof v === 'string' ? `'${v}'` : String(v));

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
            // The element sets these from ELEMENT_DEFAULTS (defaults.ts), which the analyzer does not
            // evaluate: the manifest (and the README table made from it) gets the values.
            for (const item of [...(decl.attributes ?? []), ...(decl.members ?? [])]) {
              const key = item.fieldName ?? item.name;
              if (item.default === undefined && Object.hasOwn(ELEMENT_DEFAULTS, key)) item.default = sourceText(ELEMENT_DEFAULTS[key]);
            }
          }
        }
      },
    },
  ],
};
