import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    position: relative;
    width: 640px;
    max-width: 100%;
    aspect-ratio: var(--face-mesh-aspect-ratio, 4 / 3);
    background: #111;
    overflow: hidden;
    contain: content;
  }
  :host([hidden]) {
    display: none;
  }
  .stage,
  video,
  img,
  canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: contain;
  }
  video.mirrored,
  img.mirrored {
    transform: scaleX(-1);
  }
  canvas {
    pointer-events: none;
  }
  .start {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
  }
  .start button {
    font: inherit;
    padding: 0.6em 1.2em;
    border-radius: 999px;
    border: 0;
    background: #fff;
    color: #111;
    cursor: pointer;
  }
  .start button:focus-visible {
    outline: 3px solid #4af;
    outline-offset: 2px;
  }
`;
