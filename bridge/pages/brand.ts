/**
 * The colours the pages derive from the configured accent (UI_ACCENT_COLOR): the text on
 * it and the links in light and dark mode, chosen so that each is readable (WCAG 2
 * contrast of 4.5:1 at least) whatever accent an operator picks. The backgrounds and
 * text colours are the stylesheet's own (bridge/views/assets/pages.css names the same).
 */

export const TEXT_LIGHT = '#0b0c0c';
export const TEXT_DARK = '#f3f2f1';
export const BACKGROUND_LIGHT = '#ffffff';
export const BACKGROUND_DARK = '#1b1c1d';
const MIN_CONTRAST = 4.5;

export interface BrandColours {
  accent: string;
  /** Text on the accent (buttons): black or white, whichever contrasts more (one of them always reaches 4.5:1). */
  onAccent: string;
  linkLight: string;
  linkDark: string;
  backgroundLight: string;
  backgroundDark: string;
}

/** The colours of an accent given as `#rrggbb` (src/config/ui.ts checked it). */
export function brandColours(accent: string): BrandColours {
  return {
    accent,
    onAccent: contrastRatio(accent, '#ffffff') >= contrastRatio(accent, '#000000') ? '#ffffff' : '#000000',
    linkLight: contrastRatio(accent, BACKGROUND_LIGHT) >= MIN_CONTRAST ? accent : TEXT_LIGHT,
    linkDark: contrastRatio(accent, BACKGROUND_DARK) >= MIN_CONTRAST ? accent : TEXT_DARK,
    backgroundLight: BACKGROUND_LIGHT,
    backgroundDark: BACKGROUND_DARK,
  };
}

/** The WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(first: string, second: string): number {
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
