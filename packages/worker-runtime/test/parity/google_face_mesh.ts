/**
 * Google's own solution, `@mediapipe/face_mesh@0.4.1657299874`, run in the same browser as our tests:
 * the accuracy reference. Its pitfalls (see the package's behaviour, not documented upstream):
 * - it has no static mode: it always tracks from the previous frame, so `reset()` before each still image;
 * - setting `minDetectionConfidence` aborts its graph; the compiled-in 0.5 is used;
 * - `useCpuInference: true` runs XNNPACK in wasm; its crop to the model input still runs on WebGL.
 */
const BASE = '/node_modules/@mediapipe/face_mesh/';

export interface GoogleOptions {
  maxNumFaces: number;
  refineLandmarks?: boolean;
  minTrackingConfidence?: number;
}

interface Landmark { x: number; y: number; z: number }
interface Results { multiFaceLandmarks?: Landmark[][] }
interface FaceMeshSolution {
  setOptions(o: Record<string, unknown>): void;
  onResults(cb: (r: Results) => void): void;
  initialize(): Promise<void>;
  send(input: { image: TexImageSource }): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}
type FaceMeshCtor = new (config: { locateFile: (file: string) => string }) => FaceMeshSolution;

async function loadScript(): Promise<FaceMeshCtor> {
  const g = globalThis as unknown as { FaceMesh?: FaceMeshCtor };
  if (!g.FaceMesh) {
    await new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = `${BASE}face_mesh.js`;
      s.crossOrigin = 'anonymous';
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${s.src}`));
      document.head.append(s);
    });
  }
  if (!g.FaceMesh) throw new Error('face_mesh.js did not define FaceMesh');
  return g.FaceMesh;
}

/** Google's face mesh; `run` returns each face's 478 (or 468) points as x·W, y·H, z·W (reference units). */
export class GoogleFaceMesh {
  private last: Results | null = null;
  private constructor(private readonly solution: FaceMeshSolution) {}

  static async create(options: GoogleOptions): Promise<GoogleFaceMesh> {
    const Ctor = await loadScript();
    const solution = new Ctor({ locateFile: (file) => BASE + file });
    solution.setOptions({
      maxNumFaces: options.maxNumFaces,
      refineLandmarks: options.refineLandmarks ?? true,
      minTrackingConfidence: options.minTrackingConfidence ?? 0.5,
      selfieMode: false,
      useCpuInference: true,
    });
    const mesh = new GoogleFaceMesh(solution);
    solution.onResults((r) => { mesh.last = r; });
    await solution.initialize();
    return mesh;
  }

  async run(image: TexImageSource, width: number, height: number, reset: boolean): Promise<Float32Array[]> {
    if (reset) await this.solution.reset();
    this.last = null;
    await this.solution.send({ image });
    const results = this.last as Results | null; // set by the onResults callback during send()
    const faces = results?.multiFaceLandmarks ?? [];
    return faces.map((lm) => {
      const out = new Float32Array(lm.length * 3);
      lm.forEach((p, i) => out.set([p.x * width, p.y * height, p.z * width], i * 3));
      return out;
    });
  }

  close(): Promise<void> {
    return this.solution.close();
  }
}
