import { useEffect, useState } from 'react';
import '@face-mesh/element/define';
// <face-mesh> in TSX: its attributes and `on` + event props, typed (generated from custom-elements.json).
import type {} from '@face-mesh/element/react';
import type { ErrorDetail } from '@face-mesh/element';

// React 19 sets props on custom elements as properties, and adds `on` + event-name props as event
// listeners, the name taken as written after "on": `onlandmarks` listens to `landmarks` (lower case,
// like the element's events; `onLandmarks` would listen to an event called "Landmarks").
export function App() {
  const [result, setResult] = useState<{ faces: number; points: number } | null>(null);
  const [binary, setBinary] = useState('');
  const [error, setError] = useState<ErrorDetail | null>(null);
  // The picture comes later (a file the user picks, a fetch): the element is rendered with an
  // empty src first, and loads the URL when it is filled in, as an <img> would.
  const [src, setSrc] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSrc('sample3.jpg'), 200);
    return () => clearTimeout(timer);
  }, []);

  return (
    <>
      <face-mesh
        src={src}
        overlay="mesh"
        max-faces={1}
        style={{ maxWidth: 640 }}
        onready={(event) => setBinary(event.detail.binary)}
        onlandmarks={(event) => {
          const [face] = event.detail.faces;
          setResult({ faces: event.detail.faces.length, points: face ? face.landmarks.length / 3 : 0 });
        }}
        onerror={(event) => setError(event.detail)}
      />
      <p>
        Landmarks:{' '}
        <output
          id="status"
          data-faces={result?.faces}
          data-points={result?.points || undefined}
          data-binary={binary || undefined}
          data-error={error?.code}
        >
          {error ? `${error.code}: ${error.message}` : result ? `${result.faces} face(s), ${result.points} points` : 'loading…'}
        </output>
      </p>
    </>
  );
}
