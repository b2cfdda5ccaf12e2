/** What every view receives about the request and the brand: the language, the product, the stylesheet. */
import type { Locale } from '../messages/catalogue.js';

export interface PageFrame {
  readonly locale: Locale;
  readonly productName: string;
  readonly logoUrl: string | null;
  /** The stylesheet's URL (it carries a hash of the content). */
  readonly stylesheet: string;
  /** The request id, which an error page shows as a reference. */
  readonly requestId: string;
}
