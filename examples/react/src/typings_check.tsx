// Type-checked by `npm run build` (tsc), never rendered: what @face-mesh/element/react accepts for
// number attributes. A kebab-case name is written as an attribute by React 19 (a string either way):
// a number or a numeric string. A property name is set as the property: a number only. Arbitrary
// strings are refused (an unused @ts-expect-error fails the build).
import type {} from '@face-mesh/element/react';

export const accepted = [
  <face-mesh max-faces={2} />,
  <face-mesh max-faces="2" min-detection-confidence="0.6" detection-interval={0} />,
  <face-mesh maxFaces={2} fov={50} threads="2" />,
];

export const refused = [
  // @ts-expect-error not a number
  <face-mesh max-faces="two" />,
  // @ts-expect-error not a number
  <face-mesh min-detection-confidence="high" />,
  // @ts-expect-error a property takes a number, not a string
  <face-mesh maxFaces="2" />,
  // @ts-expect-error not a number
  <face-mesh fov="wide" />,
  // @ts-expect-error threads is 'auto', 'off' or a number as a string
  <face-mesh threads="many" />,
];
