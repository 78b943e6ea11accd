// The packed typings, as a TypeScript user of @face-mesh/node meets them: `npm run check` (tsc,
// strict, no skipLibCheck) is run by `npm run test:consumers`; a wrong or missing declaration fails it.
import { FaceMeshPool, FaceMeshNodeError, type FrameResult, type PipelineOptions } from '@face-mesh/node';

const options: Partial<PipelineOptions> = { maxFaces: 2, minDetectionConfidence: 0.5 };

export async function nosesOf(image: string): Promise<Array<[number, number]>> {
  const pool = await FaceMeshPool.create({ workers: 1, ...options });
  try {
    const result: FrameResult = await pool.detect(image);
    // 478 x (x, y, z) in pixels per face
    return result.faces.map((face) => [face.landmarks[3]!, face.landmarks[4]!]);
  } catch (e) {
    if (e instanceof FaceMeshNodeError) throw new Error(`${e.code}: ${e.message}`);
    throw e;
  } finally {
    await pool.close();
  }
}
