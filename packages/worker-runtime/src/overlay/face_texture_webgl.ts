/**
 * The face texture drawn by WebGL2 on a worker-owned OffscreenCanvas (the overlay canvas has a 2D
 * context already), then copied onto the overlay with one drawImage. That canvas covers only the
 * faces' bounding box: clearing and copying the whole frame would cost more than the faces
 * (measured, 640x480 on a software GL: 7.2 ms a frame for the whole frame). Landmark z (negative = nearer)
 * feeds the depth test, so a turned face's far side does not cover its near side.
 */
import { NUM_MESH_LANDMARKS } from '@face-mesh/geometry';
import { meshVertices, type FaceTextureRenderer, type TexturedMesh } from './face_texture.js';

const VERTEX_SHADER = `#version 300 es
in vec3 a_position;
in vec2 a_uv;
uniform vec2 u_origin;
uniform vec2 u_size;
uniform float u_depthScale;
out vec2 v_uv;
void main() {
  // frame pixels (top-left origin) -> the drawn box's clip space; z in frame widths, nearer = smaller
  vec2 p = a_position.xy - u_origin;
  gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, clamp(a_position.z * u_depthScale, -1.0, 1.0), 1.0);
  v_uv = a_uv;
}`;

const FRAGMENT_SHADER = `#version 300 es
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_texture;
out vec4 color;
void main() {
  color = texture(u_texture, v_uv);
}`;

export class WebGlFaceTextureRenderer implements FaceTextureRenderer {
  readonly kind = 'webgl2';
  private readonly canvas = new OffscreenCanvas(1, 1);
  private readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private readonly positions: WebGLBuffer;
  private readonly sizeUniform: WebGLUniformLocation | null;
  private readonly originUniform: WebGLUniformLocation | null;
  private readonly depthScaleUniform: WebGLUniformLocation | null;
  private readonly glTexture: WebGLTexture;
  private readonly vertices = new Float32Array(NUM_MESH_LANDMARKS * 3);
  private readonly indexCount: number;
  private uploaded: ImageBitmap | null = null;
  /**
   * WebGL runs on the CPU here (SwiftShader, llvmpipe: no GPU, or a blocklisted one). There the
   * Canvas2D renderer is faster: measured 2.0 vs 5.3 ms a frame for one 640x480 face (bench/overlay.bench.ts).
   */
  readonly software: boolean;

  /** Throws where WebGL2 on an OffscreenCanvas is not available (then use the Canvas2D renderer). */
  constructor(mesh: TexturedMesh) {
    const gl = this.canvas.getContext('webgl2', { premultipliedAlpha: true, antialias: true, depth: true });
    if (!gl) throw new Error('WebGL2 is not available on an OffscreenCanvas here.');
    this.gl = gl;
    // Firefox gives the real renderer as RENDERER (and deprecates the extension); Chromium masks it.
    let renderer = String(gl.getParameter(gl.RENDERER));
    if (renderer === 'WebKit WebGL') {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      if (info) renderer = String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL));
    }
    this.software = /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
    this.program = linkProgram(gl);
    gl.useProgram(this.program);
    this.sizeUniform = gl.getUniformLocation(this.program, 'u_size');
    this.originUniform = gl.getUniformLocation(this.program, 'u_origin');
    this.depthScaleUniform = gl.getUniformLocation(this.program, 'u_depthScale');
    gl.uniform1i(gl.getUniformLocation(this.program, 'u_texture'), 0);

    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    this.positions = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.bufferData(gl.ARRAY_BUFFER, this.vertices.byteLength, gl.DYNAMIC_DRAW);
    const position = gl.getAttribLocation(this.program, 'a_position');
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 3, gl.FLOAT, false, 0, 0);
    const uvs = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, uvs);
    gl.bufferData(gl.ARRAY_BUFFER, mesh.uv, gl.STATIC_DRAW);
    const uv = gl.getAttribLocation(this.program, 'a_uv');
    gl.enableVertexAttribArray(uv);
    gl.vertexAttribPointer(uv, 2, gl.FLOAT, false, 0, 0);
    const indices = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indices);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, mesh.triangles, gl.STATIC_DRAW);
    this.indexCount = mesh.triangles.length;

    this.glTexture = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, this.glTexture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);

    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LESS);
    gl.enable(gl.BLEND);
    // The texture's bitmap is premultiplied (see api.ts), like the canvas.
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.clearColor(0, 0, 0, 0);
  }

  draw(ctx: OffscreenCanvasRenderingContext2D, texture: ImageBitmap, faces: readonly Float32Array[], mirrored: boolean): void {
    const { gl, canvas } = this;
    const box = facesBox(faces, ctx.canvas.width, ctx.canvas.height);
    if (!box) return;
    // Grow only (in steps), so a moving face does not reallocate the canvas every frame.
    if (canvas.width < box.width || canvas.height < box.height) {
      canvas.width = Math.max(canvas.width, Math.ceil(box.width / 64) * 64);
      canvas.height = Math.max(canvas.height, Math.ceil(box.height / 64) * 64);
    }
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, canvas.height - box.height, box.width, box.height);
    gl.viewport(0, canvas.height - box.height, box.width, box.height);
    gl.uniform2f(this.originUniform, box.x, box.y);
    gl.uniform2f(this.sizeUniform, box.width, box.height);
    gl.uniform1f(this.depthScaleUniform, 1 / ctx.canvas.width);
    if (this.uploaded !== texture) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, texture);
      gl.generateMipmap(gl.TEXTURE_2D);
      this.uploaded = texture;
    }
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    for (const landmarks of faces) {
      if (landmarks.length < NUM_MESH_LANDMARKS * 3) continue;
      // Each face's z is relative to its own centre: one face's depth must not hide another.
      gl.clear(gl.DEPTH_BUFFER_BIT);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, meshVertices(landmarks, mirrored, this.vertices));
      gl.drawElements(gl.TRIANGLES, this.indexCount, gl.UNSIGNED_SHORT, 0);
    }
    ctx.drawImage(canvas, 0, 0, box.width, box.height, box.x, box.y, box.width, box.height);
  }

  dispose(): void {
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
    this.uploaded = null;
  }
}

/** The faces' bounding box in whole frame pixels, clipped to the frame (null: nothing on it). */
function facesBox(faces: readonly Float32Array[], width: number, height: number): { x: number; y: number; width: number; height: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of faces) {
    for (let i = 0; i < NUM_MESH_LANDMARKS * 3 && i < p.length; i += 3) {
      x0 = Math.min(x0, p[i]);
      x1 = Math.max(x1, p[i]);
      y0 = Math.min(y0, p[i + 1]);
      y1 = Math.max(y1, p[i + 1]);
    }
  }
  const x = Math.max(0, Math.floor(x0) - 1);
  const y = Math.max(0, Math.floor(y0) - 1);
  const w = Math.min(width, Math.ceil(x1) + 2) - x;
  const h = Math.min(height, Math.ceil(y1) + 2) - y;
  return w > 0 && h > 0 ? { x, y, width: w, height: h } : null;
}

function linkProgram(gl: WebGL2RenderingContext): WebGLProgram {
  const program = gl.createProgram()!;
  for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX_SHADER], [gl.FRAGMENT_SHADER, FRAGMENT_SHADER]] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`face texture shader: ${gl.getShaderInfoLog(shader) ?? 'does not compile'}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`face texture program: ${gl.getProgramInfoLog(program) ?? 'does not link'}`);
  return program;
}
