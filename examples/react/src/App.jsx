import { useState } from 'react';
import '@face-mesh/element/define';

// React 19 sets props on custom elements as properties, and adds `on` + event-name props as event
// listeners, the name taken as written after "on": `onlandmarks` listens to `landmarks` (lower case,
// like the element's events; `onLandmarks` would listen to an event called "Landmarks").
export function App() {
  const [result, setResult] = useState(null); // { faces, points } of the last landmarks event
  const [binary, setBinary] = useState('');
  const [error, setError] = useState(null);

  return (
    <>
      <face-mesh
        src="sample3.jpg"
        overlay="mesh"
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
