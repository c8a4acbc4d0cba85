"""Which documents are known to be current without rendering them again: what ``check`` asks
before it compares every document with a fresh render (issue 16).

``render`` records in its manifest (:mod:`.manifest`) the inputs it saw and the stamp of each
document it wrote, and skips whatever those say is unchanged. The same record answers
``check``: a document render wrote, untouched since, whose session (and, for the project
documents, whose events, :mod:`.project_key`) nothing has changed since, is what a render would
write now. The rest are rendered and compared. New code or configuration, a missing manifest or
a vanished event file leave nothing known, so everything is compared, as before there was a
manifest.
"""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.documents import manifest as manifests


def known_current(ctx: Context) -> set[str]:
    """Absolute paths of the documents that equal what ``render`` would write now, by the
    render manifest alone (see the module doc); never raises for a bad or missing manifest.

    Raises:
        NewerSchema: an event file holds an event of a newer schema version (index refresh).
    """
    from session_tracker.documents import project_key
    from session_tracker.index import connect_fresh

    inputs = manifests.render_inputs(ctx)  # before the index reads the files, as render takes them
    manifest = manifests.read_manifest(ctx)
    outputs = manifest.get("outputs") if manifest else None
    if not isinstance(outputs, dict):
        return set()
    if manifests.unchanged(inputs, manifest):
        return set(outputs)
    conn = connect_fresh(ctx.layout)
    try:
        decided = manifests.sessions_to_redo(conn, inputs, manifest)
        if decided is None:
            return set()
        redo, inputs_changed, forced = decided
        project_ok = not project_key.due(conn, project_key.key(conn, ctx.config), inputs_changed, forced)
    finally:
        conn.close()
    known: set[str] = set()
    for path, entry in outputs.items():
        if not isinstance(entry, list) or len(entry) != 2 or manifests.file_stamp(path) != entry[0]:
            continue
        owner = entry[1]
        if (owner and owner not in redo) or (not owner and project_ok):
            known.add(path)
    return known
