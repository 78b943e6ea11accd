/** The element's properties as pipeline options, thread count and overlay mode. */
import { expect } from 'chai';
import { ELEMENT_DEFAULTS } from '@face-mesh/worker-runtime/defaults';
import { maxFpsOf, overlayModeOf, pipelineOptionsOf, threadsOptionOf, type PipelineProperties } from './element_options.js';

const properties = (over: Partial<PipelineProperties> = {}): PipelineProperties => ({ ...ELEMENT_DEFAULTS, ...over });

describe('element options', () => {
  it('the element defaults make the pipeline defaults, with the element detection interval', () => {
    expect(pipelineOptionsOf(properties())).to.deep.equal({
      maxFaces: 1, detectionIntervalMs: 200, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5, mirror: false, smoothing: true,
      smoothingMinCutoff: 0.05, smoothingBeta: 80, smoothingDerivateCutoff: 1, transform: false, eyes: false, fov: 63,
    });
  });

  it('max-fps: 0 or more as given (0: every frame); negative or not a number is the default, flagged', () => {
    expect(maxFpsOf(10)).to.deep.equal({ fps: 10, invalid: false });
    expect(maxFpsOf(7.5)).to.deep.equal({ fps: 7.5, invalid: false });
    expect(maxFpsOf(0)).to.deep.equal({ fps: 0, invalid: false });
    expect(maxFpsOf(-3)).to.deep.equal({ fps: ELEMENT_DEFAULTS.maxFps, invalid: true });
    expect(maxFpsOf(NaN)).to.deep.equal({ fps: ELEMENT_DEFAULTS.maxFps, invalid: true });
    expect(maxFpsOf(Infinity)).to.deep.equal({ fps: ELEMENT_DEFAULTS.maxFps, invalid: true });
  });

  it('a negative or non-number detection-interval is the default; 0 stays 0', () => {
    expect(pipelineOptionsOf(properties({ detectionInterval: -1 })).detectionIntervalMs).to.equal(200);
    expect(pipelineOptionsOf(properties({ detectionInterval: NaN })).detectionIntervalMs).to.equal(200);
    expect(pipelineOptionsOf(properties({ detectionInterval: 0 })).detectionIntervalMs).to.equal(0);
  });

  it('overlay="axes" turns the pose on; smoothing="off" turns smoothing off', () => {
    expect(pipelineOptionsOf(properties({ overlay: 'axes' })).transform).to.equal(true);
    expect(pipelineOptionsOf(properties({ smoothing: 'off' })).smoothing).to.equal(false);
  });

  it('threads: off, a whole number of at least 1, else auto', () => {
    expect(threadsOptionOf('off')).to.equal('off');
    expect(threadsOptionOf('2')).to.equal(2);
    for (const v of ['auto', '0', '1.5', '-2', 'many', '']) expect(threadsOptionOf(v), v).to.equal('auto');
  });

  it('overlay: a known mode, else contours', () => {
    expect(overlayModeOf('mesh')).to.equal('mesh');
    expect(overlayModeOf('texture')).to.equal('texture');
    expect(overlayModeOf('sparkles')).to.equal('contours');
  });
});
