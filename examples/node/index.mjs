// Landmarks of a photo from Node: `node index.mjs photo.jpg` prints the faces found and their
// point counts as JSON (npm run test:consumers reads it). The CLI does the same for folders:
// `npx face-mesh landmarks --jsonl out.jsonl photos/`.
import { FaceMeshPool } from '@face-mesh/node';

const image = process.argv[2] ?? 'sample3.jpg';
const pool = await FaceMeshPool.create({ workers: 2, maxFaces: 2 });
try {
  const result = await pool.detect(image);
  console.log(JSON.stringify({
    binary: pool.mode.binary,
    width: result.width,
    height: result.height,
    faces: result.faces.length,
    points: result.faces.map((face) => face.landmarks.length / 3),
    noseTip: result.faces.map((face) => [face.landmarks[3], face.landmarks[4]]),
  }));
} finally {
  await pool.close();
}
