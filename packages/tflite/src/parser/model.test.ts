/** parseModel on the real model files (facts of docs/pipeline.md §1), and its errors on broken files. */
import { expect } from 'chai';
import { decodeFlexBuffer } from './flexbuffer.js';
import { float16BitsToNumber, float16ToFloat32 } from './fp16.js';
import { parseModel, type ModelGraph } from './model.js';

const MODELS = '/models/dist/';

async function bytesOf(file: string): Promise<ArrayBuffer> {
  const r = await fetch(MODELS + file);
  expect(r.ok, `${file}: HTTP ${r.status}`).to.equal(true);
  return r.arrayBuffer();
}

function opCounts(g: ModelGraph): Record<string, number> {
  const c: Record<string, number> = {};
  for (const op of g.operators) c[op.opName] = (c[op.opName] ?? 0) + 1;
  return c;
}

describe('parseModel: face_landmark_with_attention.tflite', () => {
  let bytes: ArrayBuffer;
  let g: ModelGraph;
  before(async () => {
    bytes = await bytesOf('face_landmark_with_attention.tflite');
    g = parseModel(bytes);
  });

  it('has the header facts of docs/pipeline.md §1.1', () => {
    expect(g.schemaVersion).to.equal(3);
    expect(g.description).to.equal('keras2tflite_facemesh_irises_faceflag-lite_roifrommesh_lips_eyes_irises-2020_08_28-v0.tflite.generated');
    expect(g.tensors.length).to.equal(1096);
    expect(g.operators.length).to.equal(712);
  });

  it('has the operator code table of docs/pipeline.md §1.1 (custom codes, versions) and its op counts', () => {
    expect(g.opCodes.map((c) => `${c.name}/${c.version}${c.custom ? '/custom' : ''}`)).to.deep.equal([
      'CONV_2D/1', 'PRELU/1', 'DEPTHWISE_CONV_2D/1', 'ADD/1', 'MAX_POOL_2D/1', 'PAD/1', 'RESHAPE/1', 'MUL/1',
      'Landmarks2TransformMatrix/2/custom', 'TransformTensorBilinear/2/custom', 'TransformLandmarks/2/custom',
      'STRIDED_SLICE/1', 'DEQUANTIZE/2',
    ]);
    expect(opCounts(g)).to.deep.equal({
      DEQUANTIZE: 371, CONV_2D: 80, PRELU: 73, DEPTHWISE_CONV_2D: 66, ADD: 66, MAX_POOL_2D: 16, PAD: 9, RESHAPE: 13, MUL: 6,
      Landmarks2TransformMatrix: 3, TransformTensorBilinear: 3, TransformLandmarks: 5, STRIDED_SLICE: 1,
    });
  });

  it('lists inputs and outputs in file order (docs/pipeline.md §1.2: 723/722 swapped)', () => {
    expect(g.inputs).to.deep.equal([0]);
    expect(g.tensors[0]).to.include({ name: 'input_1', type: 'FLOAT32' });
    expect(g.tensors[0]!.shape).to.deep.equal([1, 192, 192, 3]);
    expect(g.outputs).to.deep.equal([719, 720, 721, 723, 722, 724, 710]);
    expect(g.outputs.map((t) => g.tensors[t]!.name)).to.deep.equal([
      'output_mesh_identity', 'output_lips', 'output_left_eye', 'output_right_eye', 'output_left_iris', 'output_right_iris', 'conv_faceflag',
    ]);
  });

  it('upcasts the 371 float16 constants (1,189,328 values) and keeps the 12 int32 ones', () => {
    const f16 = g.tensors.filter((t) => t.type === 'FLOAT16');
    expect(f16.length).to.equal(371);
    expect(f16.every((t) => t.data instanceof Float32Array)).to.equal(true);
    expect(f16.reduce((n, t) => n + t.data!.length, 0)).to.equal(1189328);
    expect(g.tensors.filter((t) => t.type === 'INT32' && t.data instanceof Int32Array).length).to.equal(12);
    // First values of conv2d/Bias (tensor 2), read with an independent Python reader.
    expect(g.tensors[2]!.name).to.equal('conv2d/Bias');
    expect(Array.from(g.tensors[2]!.data!.subarray(0, 4))).to.deep.equal([0.0300445556640625, -0.85009765625, -0.79443359375, 0.416259765625]);
  });

  it('decodes builtin options (first conv, mesh head, identity strided slice)', () => {
    expect(g.operators[2]!.opName).to.equal('CONV_2D');
    expect(g.operators[2]!.inputs).to.deep.equal([0, 923, 750]);
    expect(g.operators[2]!.options).to.deep.equal({
      type: 'Conv2DOptions', padding: 'SAME', strideW: 2, strideH: 2, activation: 'NONE', dilationW: 1, dilationH: 1,
    });
    expect(g.operators[182]!.options).to.include({ type: 'Conv2DOptions', padding: 'VALID', strideW: 3, strideH: 3 });
    const slice = g.operators[706]!;
    expect(slice.opName).to.equal('STRIDED_SLICE');
    expect(slice.inputs).to.deep.equal([186, 716, 717, 718]);
    expect(Array.from(g.tensors[717]!.data!)).to.deep.equal([1, 1, 1, 1404]);
  });

  it('decodes the custom ops\' FlexBuffer options (docs/pipeline.md §2.1, §2.2, §2.3)', () => {
    const lips = g.operators[192]!;
    expect(lips.opName).to.equal('Landmarks2TransformMatrix');
    expect(lips.customOptions).to.include({
      left_rotation_idx: 61, right_rotation_idx: 291, output_height: 16, output_width: 16, scale_x: 1.5, scale_y: 1.5,
      target_rotation_radians: 0,
    });
    const subset = lips.customOptions['subset_idxs'] as number[];
    expect(subset.length).to.equal(80);
    expect(subset.slice(0, 6)).to.deep.equal([61, 146, 91, 181, 84, 17]);
    expect((g.operators[193]!.customOptions['subset_idxs'] as number[]).length).to.equal(71);
    expect(g.operators[195]!.customOptions).to.deep.equal({ output_height: 16, output_width: 16 });
    expect(g.operators[701]!.customOptions).to.deep.equal({});
  });
});

describe('parseModel: the other two models', () => {
  it('face_detection_short_range.tflite: regressors then classificators, SAME max-pools, axis-1 concats', async () => {
    const g = parseModel(await bytesOf('face_detection_short_range.tflite'));
    expect(g.description).to.equal('keras2tflite_facedetector-front.tflite.generated');
    expect([g.tensors.length, g.operators.length]).to.deep.equal([250, 164]);
    expect(opCounts(g)).to.deep.equal({
      DEQUANTIZE: 74, CONV_2D: 21, RELU: 17, DEPTHWISE_CONV_2D: 16, ADD: 16, PAD: 11, MAX_POOL_2D: 3, RESHAPE: 4, CONCATENATION: 2,
    });
    expect(g.tensors[g.inputs[0]!]!.shape).to.deep.equal([1, 128, 128, 3]);
    expect(g.outputs.map((t) => [g.tensors[t]!.name, g.tensors[t]!.shape])).to.deep.equal([
      ['regressors', [1, 896, 16]], ['classificators', [1, 896, 1]],
    ]);
    expect(g.operators[24]!.options).to.deep.equal({
      type: 'Pool2DOptions', padding: 'SAME', strideW: 2, strideH: 2, filterW: 2, filterH: 2, activation: 'NONE',
    });
    expect(g.operators[163]!.options).to.deep.equal({ type: 'ConcatenationOptions', axis: 1, activation: 'NONE' });
  });

  it('face_landmark.tflite: mesh + face flag', async () => {
    const g = parseModel(await bytesOf('face_landmark.tflite'));
    expect(g.description).to.equal('facemesh-lite.tflite.no_meta');
    expect([g.tensors.length, g.operators.length]).to.deep.equal([327, 210]);
    expect(g.outputs.map((t) => [g.tensors[t]!.name, g.tensors[t]!.shape])).to.deep.equal([
      ['conv2d_21', [1, 1, 1, 1404]], ['conv2d_31', [1, 1, 1, 1]],
    ]);
  });
});

describe('parseModel: broken files', () => {
  let bytes: Uint8Array;
  before(async () => {
    bytes = new Uint8Array(await bytesOf('face_detection_short_range.tflite'));
  });

  it('rejects a file without the TFL3 identifier', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0);
    expect(() => parseModel(png)).to.throw(/not a TFLite file \(file identifier "\\r\\n\\u001a\\n", expected "TFL3"\)/);
    expect(() => parseModel(new TextEncoder().encode('<!doctype html><html></html>'))).to.throw(/not a TFLite file/);
    expect(() => parseModel(new Uint8Array(3))).to.throw(/not a TFLite file \(only 3 bytes/);
  });

  it('reports truncation instead of reading garbage, wherever the file is cut', () => {
    for (const fraction of [0.999, 0.9, 0.5, 0.1, 0.01]) {
      const cut = bytes.slice(0, Math.floor(bytes.length * fraction));
      expect(() => parseModel(cut), `cut at ${fraction}`).to.throw(/truncated or corrupt TFLite file/);
    }
    expect(() => parseModel(bytes.slice(0, 8))).to.throw(/truncated or corrupt/);
  });

  it('parses the intact file (so the errors above are about the cut)', () => {
    expect(parseModel(bytes).operators.length).to.equal(164);
  });
});

describe('float16 -> float32', () => {
  it('converts normals, subnormals, zeros, infinities and NaN exactly', () => {
    expect(float16BitsToNumber(0x3c00)).to.equal(1);
    expect(float16BitsToNumber(0xc000)).to.equal(-2);
    expect(float16BitsToNumber(0x7bff)).to.equal(65504);
    expect(float16BitsToNumber(0x3555)).to.equal(0.333251953125);
    expect(float16BitsToNumber(0x0001)).to.equal(2 ** -24);
    expect(float16BitsToNumber(0x03ff)).to.equal(1023 * 2 ** -24);
    expect(float16BitsToNumber(0x0400)).to.equal(2 ** -14);
    expect(Object.is(float16BitsToNumber(0x8000), -0)).to.equal(true);
    expect(float16BitsToNumber(0x7c00)).to.equal(Infinity);
    expect(float16BitsToNumber(0xfc00)).to.equal(-Infinity);
    expect(float16BitsToNumber(0x7e00)).to.be.NaN;
  });

  it('reads little-endian arrays at an offset', () => {
    const b = Uint8Array.of(0xff, 0x00, 0x3c, 0x00, 0xc0, 0x55, 0x35);
    expect(Array.from(float16ToFloat32(b, 1, 3))).to.deep.equal([1, -2, 0.333251953125]);
  });
});

describe('FlexBuffer decoding (hand-assembled buffers)', () => {
  it('root scalars: int, bool, float, string', () => {
    expect(decodeFlexBuffer(Uint8Array.of(0x05, 1 << 2, 1))).to.equal(5);
    expect(decodeFlexBuffer(Uint8Array.of(0xfb, 1 << 2, 1))).to.equal(-5);
    expect(decodeFlexBuffer(Uint8Array.of(1, 26 << 2, 1))).to.equal(true);
    expect(decodeFlexBuffer(Uint8Array.of(0, 0, 0xc0, 0x3f, (3 << 2) | 2, 4))).to.equal(1.5);
    expect(decodeFlexBuffer(Uint8Array.of(2, 0x68, 0x69, 0, 3, 5 << 2, 1))).to.equal('hi');
  });

  it('a typed int vector, an untyped vector and a map', () => {
    expect(decodeFlexBuffer(Uint8Array.of(3, 1, 0xfe, 3, 3, 11 << 2, 1))).to.deep.equal([1, -2, 3]);
    expect(decodeFlexBuffer(Uint8Array.of(2, 7, 1, 1 << 2, 26 << 2, 4, 10 << 2, 1))).to.deep.equal([7, true]);
    expect(decodeFlexBuffer(Uint8Array.of(0x61, 0, 1, 3, 1, 1, 1, 1, 1 << 2, 2, 9 << 2, 1))).to.deep.equal({ a: 1 });
  });

  it('fails cleanly on an offset pointing outside the buffer', () => {
    expect(() => decodeFlexBuffer(Uint8Array.of(2, 0x68, 0x69, 0, 9, 5 << 2, 1))).to.throw(/corrupt FlexBuffer/);
  });
});
