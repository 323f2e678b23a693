/**
 * The license identifiers the Hugging Face Hub accepts in a card's `license` field (its documentation's
 * "Licenses" table, hub-docs `docs/hub/repositories-licenses.md`). A card with another value is flagged by
 * the Hub as invalid metadata, so td checks `--license` against this list before contacting anything.
 */
export const HUB_LICENSES: readonly string[] = [
  'apache-2.0', 'mit', 'openrail', 'bigscience-openrail-m', 'creativeml-openrail-m', 'bigscience-bloom-rail-1.0',
  'bigcode-openrail-m', 'afl-3.0', 'artistic-2.0', 'bsl-1.0', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear',
  'c-uda', 'cc', 'cc0-1.0', 'cc-by-2.0', 'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'cc-by-sa-3.0', 'cc-by-sa-4.0',
  'cc-by-nc-2.0', 'cc-by-nc-3.0', 'cc-by-nc-4.0', 'cc-by-nd-4.0', 'cc-by-nc-nd-3.0', 'cc-by-nc-nd-4.0', 'cc-by-nc-sa-2.0',
  'cc-by-nc-sa-3.0', 'cc-by-nc-sa-4.0', 'cdla-sharing-1.0', 'cdla-permissive-1.0', 'cdla-permissive-2.0', 'wtfpl',
  'ecl-2.0', 'epl-1.0', 'epl-2.0', 'etalab-2.0', 'eupl-1.1', 'agpl-3.0', 'gfdl', 'gpl', 'gpl-2.0', 'gpl-3.0', 'lgpl',
  'lgpl-2.1', 'lgpl-3.0', 'isc', 'lppl-1.3c', 'ms-pl', 'mpl-2.0', 'odc-by', 'odbl', 'openrail++', 'osl-3.0', 'postgresql',
  'ofl-1.1', 'ncsa', 'unlicense', 'zlib', 'pddl', 'lgpl-lr', 'deepfloyd-if-license', 'llama2', 'gemma', 'unknown', 'other',
];

/** What the card says when `--license` is not given: the Hub's own word for it. td never guesses a license. */
export const UNSET_LICENSE = 'unknown';
