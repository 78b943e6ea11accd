/**
 * `<face-mesh>`: finds faces in the camera, an image or frames the page passes in, and fires
 * `landmarks` events. This module has no side effects; `define.ts` registers the tag.
 *
 * @slot start - Replaces the default start button shown before the camera is started.
 */
import { LitElement, css, html } from 'lit';

export class FaceMeshElement extends LitElement {
  static override styles = css`
    :host { display: inline-block; position: relative; }
    button { font: inherit; }
  `;

  override render() {
    return html`<slot name="start"><button part="start" type="button">Start camera</button></slot>`;
  }
}
