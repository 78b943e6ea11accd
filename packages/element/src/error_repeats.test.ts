/** RepeatedErrors: a live source's identical errors become one event, then a count. */
import { expect } from 'chai';
import { RepeatedErrors } from './error_repeats.js';
import type { ErrorDetail } from './events.js';

describe('RepeatedErrors', () => {
  let clock = 0;
  let events: ErrorDetail[] = [];
  const make = () => new RepeatedErrors((d) => events.push(d), 10_000, () => clock);
  const tooLarge = { code: 'frame-too-large', message: 'The frame is 9000x9000.' } as const;
  beforeEach(() => {
    clock = 0;
    events = [];
  });

  it('25 identical errors a second for 25 s: the first, then a count every 10 s, and the rest when frames go through again', () => {
    const r = make();
    for (let i = 0; i < 625; i++) {
      r.error(tooLarge);
      clock += 40;
    }
    expect(events.map((e) => e.repeated ?? 0)).to.deep.equal([0, 250, 250]);
    expect(events[0]).to.deep.equal(tooLarge);
    expect(events[1]!.message).to.equal('The frame is 9000x9000. (250 more times since the last report)');
    r.end();
    expect(events.map((e) => e.repeated ?? 0)).to.deep.equal([0, 250, 250, 124]);
    r.end();
    expect(events).to.have.length(4);
  });

  it('a different error ends the run (its count first), and is dispatched at once', () => {
    const r = make();
    r.error(tooLarge);
    r.error(tooLarge);
    r.error({ code: 'bad-frame', message: 'other' });
    expect(events.map((e) => [e.code, e.repeated])).to.deep.equal([['frame-too-large', undefined], ['frame-too-large', 1], ['bad-frame', undefined]]);
  });

  it('the same error after a good frame is a new run: dispatched again', () => {
    const r = make();
    r.error(tooLarge);
    r.end();
    r.error(tooLarge);
    expect(events).to.deep.equal([tooLarge, tooLarge]);
  });
});
