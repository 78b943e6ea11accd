import { afterNextRender, Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import '@face-mesh/element/define';
import type { ErrorDetail, LandmarksEvent } from '@face-mesh/element';

/**
 * <face-mesh> in a standalone component. CUSTOM_ELEMENTS_SCHEMA lets the template use the tag;
 * strictTemplates types each `(event)` binding's `$event` from the element's own DOM typings
 * (`HTMLElementTagNameMap['face-mesh']` and its addEventListener overloads): `$event.detail` is
 * checked. Property bindings on a custom element are not type-checked by Angular.
 */
@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <face-mesh
      [src]="src()"
      overlay="mesh"
      [maxFaces]="1"
      style="max-width: 640px"
      (ready)="binary.set($event.detail.binary)"
      (landmarks)="onLandmarks($event)"
      (error)="error.set($event.detail)"
    ></face-mesh>
    <p>
      Landmarks:
      <output
        id="status"
        [attr.data-faces]="result()?.faces"
        [attr.data-points]="result()?.points || null"
        [attr.data-binary]="binary() || null"
        [attr.data-error]="error()?.code"
      >{{ status() }}</output>
    </p>
  `,
})
export class App {
  protected readonly result = signal<{ faces: number; points: number } | null>(null);
  protected readonly binary = signal('');
  protected readonly error = signal<ErrorDetail | null>(null);
  // The picture comes later (a file the user picks, a fetch): rendered with an empty src first.
  protected readonly src = signal('');

  constructor() {
    afterNextRender(() => setTimeout(() => this.src.set('sample3.jpg'), 200));
  }

  protected onLandmarks(event: LandmarksEvent): void {
    const [face] = event.detail.faces;
    this.result.set({ faces: event.detail.faces.length, points: face ? face.landmarks.length / 3 : 0 });
  }

  protected status(): string {
    const error = this.error();
    const result = this.result();
    if (error) return `${error.code}: ${error.message}`;
    return result ? `${result.faces} face(s), ${result.points} points` : 'loading…';
  }
}
