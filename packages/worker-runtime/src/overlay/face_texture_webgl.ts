/**
 * The face texture drawn by WebGL2 on a worker-owned OffscreenCanvas (the overlay canvas has a 2D
 * context already), then copied onto the overlay with one drawImage. Landmark z (negative = nearer)
 * feeds the depth test, so a turned face's far side does not cover its near side.
 */
import { NUM_MESH_LANDMARKS } from '@face-mesh/geometry';
import { meshVertices, type FaceTextureRenderer, type TexturedMesh } from './face_texture.js';

const VERTEX_SHADER = `#version 300 es
in vec3 a_position;
in vec2 a_uv;
uniform vec2 u_size;
out vec2 v_uv;
void main() {
  // pixels (top-left origin) -> clip space; z in units of the frame width, nearer = smaller
  gl_Position = vec4(a_position.x / u_size.x * 2.0 - 1.0, 1.0 - a_position.y / u_size.y * 2.0, clamp(a_position.z / u_size.x, -1.0, 1.0), 1.0);
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
  private readonly glTexture: WebGLTexture;
  private readonly vertices = new Float32Array(NUM_MESH_LANDMARKS * 3);
  private readonly indexCount: number;
  private uploaded: ImageBitmap | null = null;

  /** Throws where WebGL2 on an OffscreenCanvas is not available (then use the Canvas2D renderer). */
  constructor(mesh: TexturedMesh) {
    const gl = this.canvas.getContext('webgl2', { premultipliedAlpha: true, antialias: true, depth: true });
    if (!gl) throw new Error('WebGL2 is not available on an OffscreenCanvas here.');
    this.gl = gl;
    this.program = linkProgram(gl);
    gl.useProgram(this.program);
    this.sizeUniform = gl.getUniformLocation(this.program, 'u_size');
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
    const { width, height } = ctx.canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    gl.viewport(0, 0, width, height);
    gl.uniform2f(this.sizeUniform, width, height);
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
    ctx.drawImage(canvas, 0, 0);
  }

  dispose(): void {
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
    this.uploaded = null;
  }
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
