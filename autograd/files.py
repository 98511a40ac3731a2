"""Writing a file so that nothing is lost: all of it or none of it, and never through a link.

The data goes to a temporary file in the same folder, is flushed and synced to disk, and only
then takes the file's name (``os.replace``, atomic on POSIX and Windows). A write that fails
part-way (disk full, a file-size limit, Ctrl-C) leaves the old file as it was and no temporary
behind; a symbolic link at the name is replaced, never written through.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; the path written.

    With ``overwrite=False`` an existing file (or link) at ``path`` is left alone, even one
    that appears while this runs, and ``FileExistsError`` names it. Errors name ``path``, never
    the temporary file.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not overwrite and os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "exists; not overwriting it", str(target))
    try:  # a short prefix: the temporary's name must fit where the target's does
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:32]}.", suffix=".tmp")
    except OSError as e:
        raise _naming(e, target) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, _mode(target))
        _place(temp, target, overwrite)
    except BaseException as e:  # Ctrl-C included: no half-written temporary stays behind
        if os.path.lexists(temp):
            os.unlink(temp)
        if isinstance(e, OSError):
            raise _naming(e, target) from None
        raise
    return target


def _place(temp: str, target: Path, overwrite: bool) -> None:
    """Give the written temporary the target's name: replacing whatever is there, or (a hard
    link fails if the name is taken) only if nothing is."""
    if overwrite:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: the check above is all there is
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists; not overwriting it", str(target)) from None
        os.replace(temp, target)
        return
    os.unlink(temp)


def _naming(e: OSError, target: Path) -> OSError:
    """The same error, naming the file the caller asked for."""
    return type(e)(e.errno, e.strerror or str(e), str(target))


def _mode(target: Path) -> int:
    """The permissions the file gets: those of the file it replaces, else rw-r--r-- (mkstemp's
    own 0600 would make a saved file private by surprise)."""
    try:
        return target.stat(follow_symlinks=False).st_mode & 0o777 if not target.is_symlink() else 0o644
    except FileNotFoundError:
        return 0o644
