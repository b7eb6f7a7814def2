/**
 * Browser downloads of what the page made (exports, results, images): one hidden link click per
 * file, its object URL released a minute later (the download has started by then).
 */

/** Starts a download of `blob` named `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.download = name;
  a.href = url;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Starts a download of `text` as a file of type `mime`. */
export function downloadText(text: string, name: string, mime: string): void {
  downloadBlob(new Blob([text], { type: mime }), name);
}

/** Starts a download of the canvas as PNG. */
export async function downloadCanvasPng(canvas: HTMLCanvasElement, name: string): Promise<void> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error(`${name}: the browser could not encode the image as PNG`);
  downloadBlob(blob, name);
}
