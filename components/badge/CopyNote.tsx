/**
 * "Copy as incident note": one click puts the popover's content on the clipboard as Markdown
 * (lib/incident-note.ts), and says "Copied" in a live region.
 *
 * It writes with `navigator.clipboard.writeText` from the content script, which works from a
 * click in a closed shadow root in Chromium and Firefox on a secure page. Where that API is
 * missing (a page served over plain http is not a secure context) the note is copied through a
 * selected text field and `document.execCommand('copy')`, still within the click. Where the page
 * or the browser refuses both, the note appears in a selectable text field, already selected, to
 * copy by hand: nothing is lost.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

type Status = 'idle' | 'copied' | 'manual';

/** Copies through a selected, off-screen text field: for pages where the Clipboard API is absent. */
function copyBySelection(text: string, near: HTMLElement): boolean {
  const doc = near.ownerDocument;
  const field = doc.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.cssText = 'position:fixed;top:0;left:0;width:1px;height:1px;opacity:0';
  near.append(field);
  const focused = (near.getRootNode() as ShadowRoot | Document).activeElement as HTMLElement | null;
  try {
    // The copy takes the focused field's selection.
    field.focus();
    field.select();
    return doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    field.remove();
    focused?.focus();
  }
}

export function CopyNote({ note }: { note(): string }) {
  const [status, setStatus] = useState<Status>('idle');
  const [text, setText] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    if (status !== 'manual') return;
    field.current?.focus();
    field.current?.select();
  }, [status]);

  const copy = () => {
    const value = note();
    setText(value);
    const clipboard = (globalThis.navigator as Navigator | undefined)?.clipboard;
    if (typeof clipboard?.writeText === 'function') {
      clipboard.writeText(value).then(
        () => setStatus('copied'),
        () => setStatus('manual'),
      );
      return;
    }
    setStatus(box.current && copyBySelection(value, box.current) ? 'copied' : 'manual');
  };

  return (
    <div class="copy-note" ref={box}>
      <button type="button" class="copy" onClick={copy}>
        Copy as incident note
      </button>
      <span class="copied" role="status">
        {status === 'copied' ? 'Copied the incident note (Markdown).' : ''}
      </span>
      {status === 'manual' && (
        <label class="manual">
          This page did not let Tattler copy. The note is selected below: press Ctrl+C (⌘C on a Mac).
          <textarea ref={field} readOnly rows={8} value={text} />
        </label>
      )}
    </div>
  );
}
