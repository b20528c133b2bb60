// Keeps the dashboard current: reads the page again every few seconds and puts in its sections. The
// new markup is parsed as an inert document (nothing in it runs) from Vitals' own, escaped HTML.
const EVERY_MS = 5000;

async function refresh() {
  try {
    const res = await fetch('/dashboard', { headers: { Accept: 'text/html' } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.getElementById('board');
    const board = document.getElementById('board');
    if (!fresh || board.contains(document.activeElement) && document.activeElement !== document.body) return;
    board.replaceWith(document.adoptNode(fresh));
    const asOf = doc.getElementById('as-of');
    if (asOf) document.getElementById('as-of').textContent = asOf.textContent;
  } catch (e) {
    // The next round tries again.
  }
}

setInterval(refresh, EVERY_MS);
