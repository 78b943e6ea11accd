import { expect } from 'chai';
import { BusyMeter } from './busy_meter.js';

describe('BusyMeter', () => {
  it('reports the busy fraction of each closed window of about a second', () => {
    const m = new BusyMeter(1000);
    // 10 ms of work every 33.3 ms: 30%.
    let busy = NaN;
    for (let i = 0; i < 31; i++) busy = m.add(i * 33.3, i * 33.3 + 10);
    expect(busy).to.be.closeTo(0.3, 0.02);
    // Then 10 ms every 100 ms: 10%.
    for (let i = 0; i < 25; i++) busy = m.add(1100 + i * 100, 1110 + i * 100);
    expect(busy).to.be.closeTo(0.1, 0.02);
  });

  it('is NaN before a second has passed, and after a reset', () => {
    const m = new BusyMeter(1000);
    expect(m.add(0, 500)).to.be.NaN;
    expect(m.add(600, 1100)).to.be.closeTo(1000 / 1100, 1e-9);
    m.reset();
    expect(m.busy).to.be.NaN;
  });
});
