// Camera search: every whitespace-separated term must match the camera's name, location,
// id, town (Chinese or pinyin) or English/pinyin name. Case, spaces and punctuation in Latin text are ignored,
// so "renmin jiefang", "RenminRd" and "cam001" all work.

function fold(text) {
  return String(text ?? '')
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\s\-_&.,·()（）、]+/g, '');
}

/** The folded text a camera is searched by. */
export function searchText(camera, town = null) {
  return [
    camera.name,
    town?.name_en,
    camera.name_en,
    camera.location,
    camera.id,
    camera.town_name,
    camera.department,
    ...(camera.tags ?? []),
  ]
    .map(fold)
    .join('\u0000');
}

export function queryTerms(query) {
  return String(query ?? '')
    .split(/\s+/)
    .map(fold)
    .filter((term) => term.length > 0);
}

export function matches(camera, terms, town = null) {
  if (terms.length === 0) return true;
  const text = searchText(camera, town);
  return terms.every((term) => text.includes(term));
}
