// /people: search persons by any id, email or trait value (q); without q,
// the persons seen most recently.
import * as api from '../api.js';
import { show, fill, problemsNote, personLink } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { table } from '../table.js';
import { showFirstEventHelp } from '../project.js';

const form = document.getElementById('search');
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate({ q: form.q.value.trim() });
});

function render() {
  const p = new Params();
  const q = p.string('q');
  const problems = p.done();
  form.q.value = q;
  show(problemsBox, problems.length ? problemsNote(problems) : null);
  fill(results, async () => {
    const { persons } = await api.get('/api/v1/persons', { q, limit: 50 });
    const caption = q ? `Persons matching “${q}”` : 'Persons seen most recently';
    return table({ caption, file: 'persons', rows: persons, empty: q ? 'Nobody matches.' : 'Nobody yet.', columns: [
      { label: 'Person', value: (x) => x.id, cell: (x) => personLink(x.id) },
      { label: 'Email', value: (x) => x.email ?? '' },
      { label: 'Name', value: (x) => x.name ?? '' },
      { label: 'Ids', numeric: true, value: (x) => x.ids?.length ?? 0, format: fmt.count },
      { label: 'First seen (UTC)', value: (x) => x.firstSeen, format: fmt.dateTime },
      { label: 'Last seen (UTC)', value: (x) => x.lastSeen, format: fmt.dateTime },
      { label: 'Events', numeric: true, value: (x) => x.events, format: fmt.count },
    ] });
  }, q ? 'Searching' : 'Loading');
}

showFirstEventHelp().catch(() => {});
onState(render);
