"""Writing a file so that nothing is lost: all of it or none of it, and never through a link.

The data goes to a temporary file in the same folder, is flushed and synced to disk, and only
then takes the file's name (``os.replace``, atomic on POSIX and Windows). A write that fails
part-way (disk full, a file-size limit, Ctrl-C) leaves the old file as it was and no temporary
behind; a symbolic link at the name is replaced, never written through.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; the path written.

    With ``overwrite=False`` an existing file (or link) at ``path`` is left alone and
    ``FileExistsError`` names it.
    """
    target = Path(path)
    if not overwrite and os.path.lexists(target):
        raise FileExistsError(f"{target} exists; not overwriting it")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, _mode(target))
        os.replace(temp, target)
    except BaseException:  # Ctrl-C included: no half-written temporary stays behind
        if os.path.lexists(temp):
            os.unlink(temp)
        raise
    return target


def _mode(target: Path) -> int:
    """The permissions the file gets: those of the file it replaces, else rw-r--r-- (mkstemp's
    own 0600 would make a saved file private by surprise)."""
    try:
        return target.stat(follow_symlinks=False).st_mode & 0o777 if not target.is_symlink() else 0o644
    except FileNotFoundError:
        return 0o644
