// Renders a PDF's pages to canvases with pdf.js, loaded only when a PDF is shown. WebKitGTK
// has no PDF viewer of its own; the worker comes from the app's bundle ('self' in the CSP).
import type { PDFDocumentProxy } from 'pdfjs-dist';

let loading: Promise<typeof import('pdfjs-dist')> | null = null;

async function pdfjs(): Promise<typeof import('pdfjs-dist')> {
  loading ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(
    ([lib, worker]) => {
      lib.GlobalWorkerOptions.workerSrc = worker.default;
      return lib;
    },
  );
  return loading;
}

/** An open PDF: its page count, a renderer per page, and a way to close it. */
export interface OpenPdf {
  pages: number;
  render(page: number, canvas: HTMLCanvasElement, width: number): Promise<void>;
  close(): void;
}

/** Opens a PDF from its bytes (forms and scripts it carries stay inert: canvas only). */
export async function openPdf(data: Uint8Array): Promise<OpenPdf> {
  const lib = await pdfjs();
  const task = lib.getDocument({ data, enableXfa: false });
  const doc: PDFDocumentProxy = await task.promise;
  return {
    pages: doc.numPages,
    async render(number, canvas, width) {
      const page = await doc.getPage(number);
      const base = page.getViewport({ scale: 1 });
      const ratio = globalThis.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvas, viewport }).promise;
    },
    close() {
      void task.destroy();
    },
  };
}
