/**
 * Per-frame kernel calls. `bindKernel` looks the backend's kernel up once at compile time and then
 * calls it directly, wrapping its output as a tracked tf.Tensor exactly as the engine does: the
 * engine's runKernel would repeat the registry lookup, profiler/tape/scope checks on every call.
 */
import * as tf from '@tensorflow/tfjs-core';

export type KernelCall = (inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => tf.Tensor;

const NO_ATTRS: tf.NamedAttrMap = {};

export function bindKernel(name: string): KernelCall {
  const engine = tf.engine();
  const config = tf.getKernel(name, tf.getBackend());
  if (!config) {
    return (inputs, attrs) => engine.runKernel(name, inputs, attrs);
  }
  const backend = tf.backend();
  const kernelFunc = config.kernelFunc;
  return (inputs, attrs = NO_ATTRS) =>
    engine.makeTensorFromTensorInfo(kernelFunc({ inputs, attrs, backend }) as tf.TensorInfo);
}
