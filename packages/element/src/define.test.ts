import { expect } from 'chai';
import { FaceMeshElement } from './index.js';
import { defineFaceMesh } from './define.js';

describe('<face-mesh> registration', () => {
  it('registers the tag once and tolerates being defined again', () => {
    expect(customElements.get('face-mesh')).to.equal(FaceMeshElement);
    expect(() => defineFaceMesh()).not.to.throw();
    expect(defineFaceMesh()).to.equal(FaceMeshElement);
  });

  it('renders an accessible start button until the camera is started', async () => {
    const el = document.createElement('face-mesh') as FaceMeshElement;
    document.body.append(el);
    await el.updateComplete;
    const button = el.shadowRoot?.querySelector('button');
    expect(button?.textContent).to.equal('Start camera');
    expect(button?.getAttribute('type')).to.equal('button');
    el.remove();
  });
});
