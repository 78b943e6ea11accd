/** Registers `<face-mesh>`; importing it twice (or next to another copy) is harmless. */
import { FaceMeshElement } from './face-mesh.js';

export const TAG_NAME = 'face-mesh';

export function defineFaceMesh(tagName = TAG_NAME): CustomElementConstructor {
  const existing = customElements.get(tagName);
  if (existing) return existing;
  customElements.define(tagName, FaceMeshElement);
  return FaceMeshElement;
}

defineFaceMesh();

declare global {
  interface HTMLElementTagNameMap {
    'face-mesh': FaceMeshElement;
  }
}
