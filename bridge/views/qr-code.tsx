/**
 * A QR code as inline SVG markup, drawn from the qrcode library's module matrix: one path
 * of dark squares on a light square, built as elements (so every value is escaped) rather
 * than pasted in as the library's SVG text. It needs no image request and nothing the
 * pages' CSP forbids: colours are SVG attributes, not style. Dark on light in both colour
 * schemes, as scanners expect.
 */

/** The code's modules, as qrcode's `create(text).modules` gives them. */
export interface QrMatrix {
  size: number;
  get(row: number, column: number): number | boolean;
}

/** Modules of light margin around the code (the quiet zone scanners need). */
const QUIET_ZONE = 2;

/** The modules of `text`; the library is loaded at the first enrolment, as most starts of the bridge never draw one. */
export async function qrMatrixOf(text: string): Promise<QrMatrix> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
}

export function QrCode({ matrix, label }: { matrix: QrMatrix; label: string }) {
  const size = matrix.size + 2 * QUIET_ZONE;
  const squares: string[] = [];
  // One rectangle per run of dark modules in a row: a third of the markup of one per module.
  for (let row = 0; row < matrix.size; row++) {
    for (let column = 0; column < matrix.size; column++) {
      if (!matrix.get(row, column)) continue;
      let run = 1;
      while (column + run < matrix.size && matrix.get(row, column + run)) run++;
      squares.push(`M${column + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`);
      column += run - 1;
    }
  }
  return (
    <svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={squares.join('')} fill="#000" />
    </svg>
  );
}
