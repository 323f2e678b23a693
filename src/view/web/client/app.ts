/**
 * td view's script in the browser: keyboard (j/k, /, a/r/u, Enter), marks saved with fetch, filters
 * applied on change. The pages work without it (links and a form); it only makes reviewing quick.
 * No library: the DOM does all of this in a few lines. Text from the server is set with
 * `textContent`, never as HTML.
 */

const token = document.querySelector<HTMLMetaElement>('meta[name="td-token"]')?.content ?? '';
const pageKind = document.body.dataset.page;
const readOnly = document.body.dataset.readOnly;

type MarkValue = 'accept' | 'reject' | 'clear';

interface SavedMark {
  id: string;
  mark: MarkValue;
  note: string;
  at: string;
}

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

function setStatus(text: string, error = false): void {
  const status = document.getElementById('mark-status');
  if (!status) return;
  status.textContent = text;
  status.classList.toggle('error', error);
}

function showMark(id: string, mark: MarkValue): void {
  for (const badge of document.querySelectorAll<HTMLElement>('[data-mark-for]')) {
    if (badge.dataset.markFor !== id) continue;
    badge.className = `badge m-${mark === 'clear' ? 'none' : mark}`;
    badge.textContent = mark === 'accept' ? 'accepted' : mark === 'reject' ? 'rejected' : 'unmarked';
  }
}

/** Saves a mark; without `note` (from the list) the turn's earlier note is kept. */
async function saveMark(id: string, mark: MarkValue, note?: string): Promise<void> {
  if (readOnly) {
    setStatus(`marks cannot be saved: ${readOnly}`, true);
    return;
  }
  setStatus('saving…');
  try {
    const response = await fetch(`/api/marks?t=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(note === undefined ? { id, mark } : { id, mark, note }),
    });
    if (!response.ok) {
      setStatus(`not saved: ${(await response.text()).trim()}`, true);
      return;
    }
    const saved = (await response.json()) as SavedMark;
    showMark(saved.id, saved.mark);
    setStatus(`${saved.mark === 'clear' ? 'unmarked' : saved.mark === 'accept' ? 'accepted' : 'rejected'} at ${saved.at}`);
  } catch (error) {
    setStatus(`not saved: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

const MARK_KEYS: Record<string, MarkValue> = { a: 'accept', r: 'reject', u: 'clear' };

function follow(id: string): void {
  const anchor = document.getElementById(id);
  if (anchor instanceof HTMLAnchorElement) location.href = anchor.href;
}

function setUpTurn(): void {
  const review = document.getElementById('review');
  const note = document.getElementById('note') as HTMLTextAreaElement | null;
  const id = review?.dataset.id;
  if (!review || id === undefined) return;
  for (const button of review.querySelectorAll<HTMLButtonElement>('button[data-mark]')) {
    button.addEventListener('click', () => void saveMark(id, button.dataset.mark as MarkValue, note?.value ?? ''));
  }
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && typing(event.target)) (event.target as HTMLElement).blur();
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'j') follow('next');
    else if (event.key === 'k') follow('prev');
    else if (event.key === '/') {
      event.preventDefault();
      const back = document.getElementById('back');
      if (back instanceof HTMLAnchorElement) location.href = `${back.href}#search`;
    } else if (MARK_KEYS[event.key]) void saveMark(id, MARK_KEYS[event.key]!, note?.value ?? '');
  });
}

function setUpList(): void {
  const rows = [...document.querySelectorAll<HTMLTableRowElement>('#turns tbody tr[data-id]')];
  let selected = -1;
  const select = (index: number): void => {
    if (rows.length === 0) return;
    rows[selected]?.classList.remove('sel');
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows[selected]!.classList.add('sel');
    rows[selected]!.scrollIntoView({ block: 'nearest' });
  };
  const search = document.getElementById('q') as HTMLInputElement | null;
  if (location.hash === '#search') search?.focus();
  const form = document.getElementById('filters') as HTMLFormElement | null;
  for (const control of form?.querySelectorAll('select, input[type=checkbox]') ?? []) control.addEventListener('change', () => form?.requestSubmit());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && typing(event.target)) (event.target as HTMLElement).blur();
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'j') select(selected + 1);
    else if (event.key === 'k') select(selected - 1);
    else if (event.key === '/') {
      event.preventDefault();
      search?.focus();
      search?.select();
    } else if ((event.key === 'Enter' || event.key === 'o') && selected >= 0) location.href = rows[selected]!.dataset.href!;
    else if (MARK_KEYS[event.key] && selected >= 0) void saveMark(rows[selected]!.dataset.id!, MARK_KEYS[event.key]!);
  });
}

if (pageKind === 'turn') setUpTurn();
else if (pageKind === 'list') setUpList();
