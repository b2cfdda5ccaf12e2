import { expect } from 'chai';
import { brandColours, contrastRatio } from '../../../bridge/pages/brand.js';

describe('The brand colours of the pages', () => {
  it('measures contrast as WCAG 2 does', () => {
    expect(contrastRatio('#000000', '#ffffff')).to.be.closeTo(21, 0.01);
    expect(contrastRatio('#1d70b8', '#ffffff')).to.be.closeTo(5.17, 0.01);
  });

  it('puts white text on a dark accent and black text on a light one, each readable (4.5:1 at least)', () => {
    for (const accent of ['#1d70b8', '#000000', '#ffdd00', '#00aa77', '#777777', '#ffffff', '#7f7f7f']) {
      const colours = brandColours(accent);
      expect(contrastRatio(colours.onAccent, accent), accent).to.be.at.least(4.5);
    }
    expect(brandColours('#1d70b8').onAccent).to.equal('#ffffff');
    expect(brandColours('#ffdd00').onAccent).to.equal('#000000');
  });

  it('colours links with the accent only where it is readable on the background, light and dark', () => {
    const blue = brandColours('#1d70b8');
    expect(blue.linkLight).to.equal('#1d70b8');
    const yellow = brandColours('#ffdd00');
    expect(yellow.linkLight).to.not.equal('#ffdd00');
    expect(yellow.linkDark).to.equal('#ffdd00');
    for (const accent of ['#1d70b8', '#ffdd00', '#777777']) {
      const colours = brandColours(accent);
      expect(contrastRatio(colours.linkLight, colours.backgroundLight)).to.be.at.least(4.5);
      expect(contrastRatio(colours.linkDark, colours.backgroundDark)).to.be.at.least(4.5);
    }
  });
});
